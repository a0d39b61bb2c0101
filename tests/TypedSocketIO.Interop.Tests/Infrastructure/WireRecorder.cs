using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TypedSocketIO.Interop.Tests.Infrastructure;

/// <summary>One Socket.IO frame as it arrived: the text of an Engine.IO message packet (without its <c>4</c>) or a binary attachment.</summary>
public sealed record WireFrame(bool IsBinary, byte[] Bytes)
{
    /// <summary>Readable and exact: the text with escapes for what is not printable ASCII, and the hex of every byte.</summary>
    public override string ToString() => IsBinary
        ? $"binary[{Bytes.Length}] {Convert.ToHexString(Bytes)}"
        : $"text {Visible(Bytes)}\n      hex {Convert.ToHexString(Bytes)}";

    private static string Visible(byte[] utf8)
    {
        var text = new StringBuilder();
        foreach (var rune in Encoding.UTF8.GetString(utf8).EnumerateRunes())
        {
            if (rune.Value is >= 0x20 and < 0x7f)
            {
                text.Append((char)rune.Value);
            }
            else
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"<U+{rune.Value:X4}>");
            }
        }
        return text.ToString();
    }
}

/// <summary>A Socket.IO packet: its text frame and the binary attachments that follow it.</summary>
public sealed record WirePacket(IReadOnlyList<WireFrame> Frames)
{
    /// <summary>The event name of an EVENT / BINARY_EVENT packet, else <see langword="null"/>.</summary>
    public string? EventName
    {
        get
        {
            var text = Frames[0].Bytes;
            if (text.Length == 0 || (text[0] != (byte)'2' && text[0] != (byte)'5'))
            {
                return null;
            }
            var start = Array.IndexOf(text, (byte)'[');
            if (start < 0)
            {
                return null;
            }
            var reader = new Utf8JsonReader(text.AsSpan(start));
            return reader.Read() && reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.String
                ? reader.GetString()
                : null;
        }
    }

    public bool SameBytes(WirePacket other) =>
        Frames.Count == other.Frames.Count && Frames.Zip(other.Frames).All(p => p.First.IsBinary == p.Second.IsBinary && p.First.Bytes.AsSpan().SequenceEqual(p.Second.Bytes));

    public override string ToString() => string.Join("\n    ", Frames);
}

/// <summary>What a raw client recorded of one conversation: the Engine.IO open packet and every Socket.IO frame in order.</summary>
public sealed record WireRecording(string Open, IReadOnlyList<WireFrame> Frames)
{
    /// <summary>The frames grouped into packets (a text frame <c>5N-…</c>/<c>6N-…</c> with its N attachments).</summary>
    public IReadOnlyList<WirePacket> Packets
    {
        get
        {
            var packets = new List<WirePacket>();
            for (var i = 0; i < Frames.Count;)
            {
                var head = Frames[i];
                var count = head.IsBinary ? 0 : AttachmentCount(head.Bytes);
                var end = Math.Min(Frames.Count, i + 1 + count);
                packets.Add(new WirePacket(Frames.Skip(i).Take(end - i).ToList()));
                i = end;
            }
            return packets;
        }
    }

    public override string ToString() => "open " + Open + "\n" + string.Join("\n", Frames.Select((f, i) => $"{i,3} {f}"));

    private static int AttachmentCount(byte[] text)
    {
        if (text.Length < 3 || (text[0] != (byte)'5' && text[0] != (byte)'6'))
        {
            return 0;
        }
        var dash = Array.IndexOf(text, (byte)'-');
        return dash > 1 && int.TryParse(text.AsSpan(1, dash - 1), out var n) ? n : 0;
    }
}

/// <summary>
/// A raw Engine.IO v4 client (ClientWebSocket for WebSocket, HttpClient for polling) that plays the conversation of
/// tests/interop-node/wire-reference-server.mjs and records every frame, with the sid values of CONNECT answers replaced.
/// </summary>
public static partial class WireRecorder
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The answer the raw client acknowledges the server's <c>ask</c> with.</summary>
    public const string AskAnswer = "yes \"ok\" ✓";

    public static async Task<WireRecording> RecordAsync(string baseAddress, string transport)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return transport switch
            {
                "websocket" => await RecordWebSocketAsync(baseAddress, timeout.Token),
                "polling" => await RecordPollingAsync(baseAddress, timeout.Token),
                _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
            };
        }
        catch (Exception e) when (timeout.IsCancellationRequested && e is OperationCanceledException or WebSocketException or HttpRequestException)
        {
            throw new TimeoutException($"the conversation with {baseAddress} over {transport} did not end within {Timeout}.");
        }
    }

    private static async Task<WireRecording> RecordWebSocketAsync(string baseAddress, CancellationToken cancellationToken)
    {
        using var ws = new ClientWebSocket();
        var uri = new Uri(baseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + "/socket.io/?EIO=4&transport=websocket");
        await ws.ConnectAsync(uri, cancellationToken);
        var conversation = new Conversation();
        string? open = null;
        var buffer = new byte[64 * 1024];
        while (!conversation.Done)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await ws.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException("the server closed the WebSocket before the conversation ended.\n" + conversation);
                }
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var bytes = message.ToArray();
            IReadOnlyList<string> replies;
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                replies = conversation.Receive(new WireFrame(true, bytes));
            }
            else
            {
                switch (bytes[0])
                {
                    case (byte)'0':
                        open = Encoding.UTF8.GetString(bytes);
                        replies = ["0"]; // Socket.IO CONNECT to "/"
                        break;
                    case (byte)'2':
                        await SendTextAsync(ws, "3", cancellationToken);
                        replies = [];
                        break;
                    case (byte)'4':
                        replies = conversation.Receive(new WireFrame(false, bytes[1..]));
                        break;
                    default:
                        replies = [];
                        break;
                }
            }
            foreach (var reply in replies)
            {
                await SendTextAsync(ws, "4" + reply, cancellationToken);
            }
        }
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        return new WireRecording(ReplaceSid(open ?? "(none)"), conversation.Frames);
    }

    private static Task SendTextAsync(ClientWebSocket ws, string text, CancellationToken cancellationToken) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    private static async Task<WireRecording> RecordPollingAsync(string baseAddress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout };
        var handshake = await http.GetStringAsync(baseAddress + "/socket.io/?EIO=4&transport=polling", cancellationToken);
        if (!handshake.StartsWith('0'))
        {
            throw new InvalidOperationException("unexpected handshake: " + handshake);
        }
        var sid = JsonDocument.Parse(handshake.AsMemory(1)).RootElement.GetProperty("sid").GetString();
        var url = $"{baseAddress}/socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(sid!)}";
        var conversation = new Conversation();
        await PostAsync(http, url, ["0"], cancellationToken); // Socket.IO CONNECT to "/"
        while (!conversation.Done)
        {
            var body = await http.GetByteArrayAsync(url, cancellationToken);
            var replies = new List<string>();
            foreach (var part in Split(body))
            {
                switch (part.Length == 0 ? 0 : part[0])
                {
                    case (byte)'4':
                        replies.AddRange(conversation.Receive(new WireFrame(false, part[1..])));
                        break;
                    case (byte)'b':
                        replies.AddRange(conversation.Receive(new WireFrame(true, Convert.FromBase64String(Encoding.ASCII.GetString(part, 1, part.Length - 1)))));
                        break;
                    case (byte)'2':
                        await PostRawAsync(http, url, "3", cancellationToken);
                        break;
                    case (byte)'1':
                        throw new InvalidOperationException("the server closed the session before the conversation ended.\n" + conversation);
                    default:
                        break;
                }
            }
            await PostAsync(http, url, replies, cancellationToken);
        }
        await PostRawAsync(http, url, "1", cancellationToken);
        return new WireRecording(ReplaceSid(handshake), conversation.Frames);
    }

    private static IEnumerable<byte[]> Split(byte[] payload)
    {
        var start = 0;
        for (var i = 0; i <= payload.Length; i++)
        {
            if (i == payload.Length || payload[i] == 0x1e)
            {
                yield return payload[start..i];
                start = i + 1;
            }
        }
    }

    private static Task PostAsync(HttpClient http, string url, List<string> packets, CancellationToken cancellationToken) =>
        packets.Count == 0 ? Task.CompletedTask : PostRawAsync(http, url, string.Join('\u001e', packets.Select(p => "4" + p)), cancellationToken);

    private static async Task PostRawAsync(HttpClient http, string url, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using var response = await http.PostAsync(url, content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    internal static string ReplaceSid(string text) => SidPattern().Replace(text, "\"sid\":\"<sid>\"");

    [GeneratedRegex("\"sid\":\"[^\"]*\"")]
    private static partial Regex SidPattern();

    /// <summary>The client's side of the conversation: what to send after each frame, and when it is over.</summary>
    private sealed class Conversation
    {
        private readonly List<WireFrame> _frames = [];

        public IReadOnlyList<WireFrame> Frames => _frames;

        public bool Done { get; private set; }

        public IReadOnlyList<string> Receive(WireFrame frame)
        {
            if (frame.IsBinary)
            {
                _frames.Add(frame);
                return [];
            }
            var text = Encoding.UTF8.GetString(frame.Bytes);
            if (text.StartsWith('0'))
            {
                // CONNECT answers: only their sid differs between two servers
                frame = new WireFrame(false, Encoding.UTF8.GetBytes(ReplaceSid(text)));
            }
            _frames.Add(frame);

            if (text.StartsWith("0{", StringComparison.Ordinal))
            {
                return ["2[\"go\"]"];
            }
            if (text.StartsWith("2[\"answer\"", StringComparison.Ordinal))
            {
                return ["0/other,"];
            }
            if (text.StartsWith("0/other,{", StringComparison.Ordinal))
            {
                return ["2/other,1[\"go\"]"];
            }
            if (text.StartsWith("3/other,1[", StringComparison.Ordinal))
            {
                return ["2/other,[\"bye\"]"];
            }
            if (text == "1/other,")
            {
                Done = true;
                return [];
            }
            if (text.Length > 1 && text[0] == '2' && char.IsAsciiDigit(text[1]))
            {
                // an event on "/" with an ack request (the server's "ask"): answer it
                var id = text[1..text.IndexOf('[', StringComparison.Ordinal)];
                return [$"3{id}[{JsonSerializer.Serialize(AskAnswer, WireRecorderJsonContext.Default.String)}]"];
            }
            return [];
        }

        public override string ToString() => "recorded so far:\n" + string.Join("\n", _frames);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class WireRecorderJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
