using System.Text;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// The hostile-input corpus (issue 14): every advisory of RELIABILITY-ADVISORIES.md that applies to a server, and the groups
/// named there (Engine.IO polling abuse, WebSocket framing abuse, Socket.IO packet abuse, binary attachment abuse, resource
/// floods). Each case's id starts with its advisory or group. Outcomes read <c>what the attacker saw | the server-side
/// disconnect reason of its socket</c> (the reason only when the case connected a socket).
/// </summary>
public static partial class Corpus
{
    private static readonly Lazy<IReadOnlyList<HostileCase>> Cases = new(() =>
        [.. new[] { SocketIOPacketAbuse(), BinaryAttachmentAbuse(), EngineIOPollingAbuse(), HandshakeAbuse(), WebSocketFramingAbuse(), ResourceFloods(), ServerWide() }
            .SelectMany(group => group).Select(WithNodeParseErrorReason)]);

    /// <summary>
    /// The cases whose invalid Socket.IO packet Node 4.8.4 reports as <c>forced server close</c> over polling (errors found
    /// after decoding, at the namespace level) rather than <c>forced close</c> (decoding errors).
    /// </summary>
    private static readonly HashSet<string> NodeForcedServerCloseOverPolling = new(StringComparer.Ordinal)
    {
        "packet_event_for_namespace_not_joined", "packet_ack_for_namespace_not_joined", "packet_disconnect_for_namespace_not_joined",
        "packet_connect_error_from_client", "packet_namespace_without_comma", "namespace_connect_twice_separate_messages",
        "python-socketio-5.16.2_binary_for_namespace_not_joined",
    };

    /// <summary>
    /// Where we close with <c>parse error</c> and Node closes alike (no other difference recorded), Node's reason is
    /// <c>forced close</c> (<c>forced server close</c> over polling for namespace-level errors): <see cref="NodeDifference.ReasonName"/>.
    /// </summary>
    private static HostileCase WithNodeParseErrorReason(HostileCase hostile)
    {
        if (hostile.Difference != NodeDifference.None || !hostile.Expected.EndsWith("| parse error", StringComparison.Ordinal))
        {
            return hostile;
        }

        string node = hostile.Expected[..^"parse error".Length] + "forced close";
        string? polling = hostile.Scope == CaseScope.BothTransports && NodeForcedServerCloseOverPolling.Contains(hostile.Id)
            ? hostile.Expected[..^"parse error".Length] + "forced server close"
            : null;
        if (hostile.Scope == CaseScope.Polling && NodeForcedServerCloseOverPolling.Contains(hostile.Id))
        {
            node = hostile.Expected[..^"parse error".Length] + "forced server close";
        }

        return hostile with
        {
            NodeExpected = node,
            NodeExpectedPolling = polling,
            Difference = NodeDifference.ReasonName,
            Why = "Node closes the engine itself on an invalid Socket.IO packet (forced close); we report parse error",
        };
    }

    public static IReadOnlyList<HostileCase> All => Cases.Value;

    public static HostileCase Get(string id) => All.Single(c => c.Id == id);

    private static readonly Lazy<IReadOnlyList<HostileCase>> Timers = new(() => [.. TimerCasesCore()]);

    /// <summary>The cases that need the short timers of <see cref="ShortTimeoutServerFixture"/>.</summary>
    public static IReadOnlyList<HostileCase> TimerCases => Timers.Value;

    public static HostileCase GetTimerCase(string id) => TimerCases.Single(c => c.Id == id);

    /// <summary>The theory rows of <see cref="All"/>: one per case and transport.</summary>
    public static TheoryData<string, string> Rows(bool differentialOnly) => Rows(All, differentialOnly);

    /// <summary>The theory rows of <paramref name="cases"/>: one per case and transport.</summary>
    public static TheoryData<string, string> Rows(IEnumerable<HostileCase> cases, bool differentialOnly)
    {
        var rows = new TheoryData<string, string>();
        foreach (HostileCase hostile in cases.Where(c => !differentialOnly || c.Differential))
        {
            foreach (string transport in hostile.Transports)
            {
                rows.Add(hostile.Id, transport);
            }
        }

        return rows;
    }

    /// <summary>Connects to <c>/</c>, sends the frames (a string: an Engine.IO text packet; bytes: a binary message), then probes.</summary>
    private static HostileCase Frames(string id, string expected, params object[] frames) =>
        new(id, CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await SendFramesAsync(session, frames);
            return await session.ProbeAsync();
        }, expected);

    private static async Task SendFramesAsync(HostileSession session, IEnumerable<object> frames)
    {
        foreach (object frame in frames)
        {
            if (frame is byte[] binary)
            {
                await session.SendBinaryAsync(binary);
            }
            else
            {
                await session.SendAsync((string)frame);
            }
        }
    }

    /// <summary>Connects to <c>/</c>, sends the packets in one polling payload (one message each over WebSocket), then probes.</summary>
    private static HostileCase Payload(string id, string expected, params string[] packets) =>
        new(id, CaseScope.BothTransports, async context =>
        {
            await using HostileSession session = await context.OpenConnectedAsync();
            await session.SendManyAsync(packets);
            return await session.ProbeAsync();
        }, expected);

    /// <summary>A JSON array nested <paramref name="depth"/> deep (<c>[[…]]</c>).</summary>
    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();

    private static byte[] Bytes(int length, byte value = 1)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }

    private const string Closed = "closed | parse error";
    private const string Open = "open | transport close";
}
