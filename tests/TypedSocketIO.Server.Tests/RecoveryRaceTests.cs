using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// Connection state recovery against emits racing the disconnect and the reconnect: the two windows of the hand-over made
/// deterministic (an emit from a middleware, after the adapter's snapshot; an emit at the moment the socket becomes findable,
/// before its CONNECT answer), then free-running emitters against many reconnections.
/// </summary>
public sealed partial class RecoveryRaceTests
{
    [Fact]
    public async Task EmitAfterTheSnapshot_BeforeTheSocketCanBeFound_ArrivesOnce_AfterTheMissedOnes()
    {
        using var fixture = Recovering(skipMiddlewares: false);
        int sent = 0;
        fixture.Server.MainNamespace.Use((socket, _) =>
        {
            if (socket.Recovered)
            {
                // The adapter has taken its snapshot; the socket is not in the namespace yet.
                fixture.Server.Emit("n", 100 + sent++);
            }

            return ValueTask.CompletedTask;
        });
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("n", 1);
        string offset = Offset(await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        fixture.Server.Emit("n", 2);

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
        Assert.StartsWith("42[\"n\",2,", await back.ReceiveAsync(), StringComparison.Ordinal);
        Assert.StartsWith("42[\"n\",100,", await back.ReceiveAsync(), StringComparison.Ordinal);
        Assert.True(back.HasNothingToReceive());
        Assert.Equal(1, sent);
    }

    [Fact]
    public async Task EmitWhenARestoredSocketBecomesFindable_ArrivesOnce_AfterConnectAndTheMissedOnes()
    {
        var adapters = new HookedAdapterFactory();
        using var fixture = Recovering(adapterFactory: adapters);
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("n", 1);
        string offset = Offset(await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        fixture.Server.Emit("n", 2);
        fixture.Server.Emit("n", 3);
        adapters.OnFindable = id =>
        {
            // In the namespace and its own room, before its CONNECT answer and the replay are queued.
            Assert.Equal(sid, id);
            fixture.Server.Emit("n", 4);
            fixture.Server.To(sid).Emit("n", 5);
        };

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
        string[] offsets = new string[4];
        for (int n = 2; n <= 5; n++)
        {
            string packet = await back.ReceiveAsync();
            Assert.StartsWith($"42[\"n\",{n},", packet, StringComparison.Ordinal);
            offsets[n - 2] = Offset(packet);
        }

        Assert.True(back.HasNothingToReceive());
        Assert.Equal(offsets.Distinct().Count(), offsets.Length);
    }

    [Fact]
    public async Task EmitWhenAFreshSocketBecomesFindable_ArrivesAfterItsConnect()
    {
        var adapters = new HookedAdapterFactory();
        using var fixture = Recovering(adapterFactory: adapters);
        adapters.OnFindable = id =>
        {
            fixture.Server.Emit("n", 1);
            fixture.Server.To(id).Volatile.Emit("n", 2);
        };

        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");

        Assert.Matches(ConnectAnswer(), await client.ReceiveAsync());
        Assert.StartsWith("42[\"n\",1,", await client.ReceiveAsync(), StringComparison.Ordinal);
        Assert.Equal("42[\"n\",2]", await client.ReceiveAsync());
    }

    [Fact]
    public async Task EmitWhenASocketBecomesFindable_WithoutRecovery_ArrivesAfterItsConnect()
    {
        var adapters = new HookedAdapterFactory();
        using var fixture = new ServerFixture(adapterFactory: adapters);
        adapters.OnFindable = id => fixture.Server.To(id).Emit("n", 1);

        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");

        Assert.StartsWith("40{\"sid\":", await client.ReceiveAsync(), StringComparison.Ordinal);
        Assert.Equal("42[\"n\",1]", await client.ReceiveAsync());
    }

    [Fact]
    public async Task RestoreAfterTheSnapshotWasOutrun_StartsFromTheSnapshot_AndLogsIt()
    {
        // The buffer drops the packets after the snapshot's position while the middleware runs (the cap is 3 packets): the
        // socket gets what the snapshot had, and the loss is logged rather than silent.
        using var fixture = Recovering(skipMiddlewares: false, maxPackets: 3);
        fixture.Server.MainNamespace.Use((socket, _) =>
        {
            if (socket.Recovered)
            {
                for (int i = 0; i < 5; i++)
                {
                    fixture.Server.Emit("late", i);
                }
            }

            return ValueTask.CompletedTask;
        });
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("n", 1);
        string offset = Offset(await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        fixture.Server.Emit("n", 2);

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
        Assert.StartsWith("42[\"n\",2,", await back.ReceiveAsync(), StringComparison.Ordinal);
        Assert.True(back.HasNothingToReceive());
        Assert.Contains(fixture.Logs.Entries, e => e.EventId.Name == "RecoveryIncomplete");
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(20, false)]
    public async Task Restore_OfMoreThanTheConnectionMayHaveWaiting_StartsFresh(int missed, bool recovered)
    {
        // 20 events of ~130 bytes cross a 2 000-byte outgoing bound: sending them would close the connection at the bound, and
        // the client would come back for the same replay; 5 fit.
        using var fixture = new ServerFixture(o =>
        {
            o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions();
            o.EngineIO.MaxOutgoingBufferSize = 2_000;
        });
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("n", 0);
        string offset = Offset(await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        for (int i = 1; i <= missed; i++)
        {
            fixture.Server.Emit("n", i, new string('x', 100));
        }

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Match answer = ConnectAnswer().Match(await back.ReceiveAsync());

        Assert.True(answer.Success);
        Assert.Equal(recovered, answer.Groups[1].Value == sid);
        Assert.Equal(recovered ? 0 : 1, fixture.Logs.Count("RecoveryTooLarge"));
        if (recovered)
        {
            for (int i = 1; i <= missed; i++)
            {
                Assert.StartsWith($"42[\"n\",{i},", await back.ReceiveAsync(), StringComparison.Ordinal);
            }
        }

        Assert.True(back.HasNothingToReceive());
        Assert.True(back.IsOpen);
    }

    [Fact]
    public async Task MoreThanTheOutgoingBound_SentToASocketBeingRestored_ClosesItsConnection_WithoutHoldingIt()
    {
        var adapters = new HookedAdapterFactory();
        using var fixture = new ServerFixture(
            o =>
            {
                o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions();
                o.EngineIO.MaxOutgoingBufferSize = 2_000;
            },
            adapters);
        var (client, _, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("n", 0);
        string offset = Offset(await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        string? reason = null;
        adapters.OnFindable = id =>
        {
            fixture.Server.MainNamespace.Sockets[id].Disconnected += (_, r) => reason = r;
            for (int i = 0; i < 20; i++)
            {
                fixture.Server.Emit("n", i, new string('x', 100));
            }
        };

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal("outgoing buffer overflow", (await back.Transport.CloseReason.WaitAsync(TimeSpan.FromSeconds(30))).Reason);
        Assert.Equal(SocketIODisconnectReason.OutgoingBufferOverflow, reason);
        Assert.True(back.HasNothingToReceive());
        Assert.Equal(1, fixture.Logs.Count("RecoveryTooLarge"));
    }

    [Fact]
    public async Task EmitsRacingDisconnectsAndReconnects_InMemory_EveryPacketOnce_InOffsetOrder()
    {
        using var fixture = Recovering();
        await RecoveryRace.RunAsync(fixture, rounds: 300, seed: 14);
    }

    [Fact]
    public async Task EmitsRacingDisconnectsAndReconnects_WithAMiddleware_EveryPacketOnce_InOffsetOrder()
    {
        // The middleware runs again on restore, widening the window between the snapshot and the socket being findable.
        using var fixture = Recovering(skipMiddlewares: false);
        fixture.Server.MainNamespace.Use(async (_, _) => await Task.Yield());
        await RecoveryRace.RunAsync(fixture, rounds: 300, seed: 15);
    }

    [Theory]
    [InlineData("42[\"n\",1,\"abc-12\"]", "abc-12")]
    [InlineData("42/chat,[\"n\",\"x\",\"1700000000000-3\"]", "1700000000000-3")]
    [InlineData("451-[\"n\",{\"_placeholder\":true,\"num\":0},\"A_b-c-0\"]", "A_b-c-0")]
    [InlineData("42[\"n\",1]", null)]
    [InlineData("42[\"n\",\"a\\\"b\"]", null)]
    [InlineData("42[\"n\",\"a b\"]", null)]
    [InlineData("42[\"\"]", null)]
    [InlineData("42[\"n\",\"\"]", null)]
    public void Offset_IsTheTrailingStringArgument(string text, string? expected)
    {
        Assert.Equal(expected, SocketIOSocket.TryReadOffset(System.Text.Encoding.UTF8.GetBytes(text[1..])));
    }

    private static ServerFixture Recovering(bool skipMiddlewares = true, int maxPackets = 10_000, ISocketIOAdapterFactory? adapterFactory = null) =>
        new(o => o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions { SkipMiddlewares = skipMiddlewares, MaxPacketsPerNamespace = maxPackets }, adapterFactory);

    private static async Task<(TestClient Client, string Sid, string Pid)> ConnectAsync(ServerFixture fixture)
    {
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");
        Match match = ConnectAnswer().Match(await client.ReceiveAsync());
        Assert.True(match.Success);
        return (client, match.Groups[1].Value, match.Groups[2].Value);
    }

    private static string Offset(string packet) => JsonNode.Parse(packet[packet.IndexOf('[', StringComparison.Ordinal)..])!.AsArray()[^1]!.GetValue<string>();

    [GeneratedRegex("^40\\{\"sid\":\"([A-Za-z0-9_-]{20})\",\"pid\":\"([A-Za-z0-9_-]{20})\"\\}$")]
    private static partial Regex ConnectAnswer();

    /// <summary>The in-memory adapter, calling back when a socket joins its own room (the moment broadcasts can find it).</summary>
    private sealed class HookedAdapterFactory : ISocketIOAdapterFactory
    {
        private Action<string>? _onFindable;

        /// <summary>Called once, for the next socket that becomes findable.</summary>
        public Action<string>? OnFindable
        {
            set => Volatile.Write(ref _onFindable, value);
        }

        public ISocketIOAdapter Create(SocketIONamespace ns) => new HookedAdapter(ns, this);

        private sealed class HookedAdapter(SocketIONamespace ns, HookedAdapterFactory factory) : InMemorySocketIOAdapter(ns)
        {
            public override void AddAll(string socketId, IEnumerable<string> rooms)
            {
                string[] list = [.. rooms];
                base.AddAll(socketId, list);
                if (Array.IndexOf(list, socketId) >= 0 && Nsp.Sockets.ContainsKey(socketId) && Interlocked.Exchange(ref factory._onFindable, null) is { } hook)
                {
                    hook(socketId);
                }
            }
        }
    }
}
