// Coverage-guided fuzzing targets for SharpFuzz + AFL++ (tests/fuzz/run.sh instruments the assemblies and runs afl-fuzz).
//
//   TypedSocketIO.Fuzz <target>                   under afl-fuzz: one input per run from stdin (SharpFuzz's forkserver)
//   TypedSocketIO.Fuzz <target> --replay <dir>    every file of <dir> through the target once, without AFL (regressions)
//
// Targets: socketio (Socket.IO text packet, then the rest of the input as one attachment when it announces some),
// engineio-payload (an Engine.IO polling payload, base64 packets decoded), websocket (client frames through the lean
// transport's codec, in two chunks), msgpack (a message for the msgpack parser; what it accepts must encode back to itself),
// request-head (an HTTP request head for the lean transport's parser, its query read as the server reads it). The oracle: only the decoder's own protocol exception may leave it; anything else
// is a crash for AFL to keep.
using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SharpFuzz;
using TypedSocketIO.EngineIO;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.MessagePack;
using TypedSocketIO.SocketIO;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: TypedSocketIO.Fuzz socketio|engineio-payload|websocket|msgpack|request-head [--replay <dir>]");
    return 2;
}

Action<ReadOnlySpan<byte>> target = args[0] switch
{
    "socketio" => Targets.SocketIO,
    "engineio-payload" => Targets.EngineIOPayload,
    "websocket" => Targets.WebSocket,
    "msgpack" => Targets.MessagePack,
    "request-head" => Targets.RequestHead,
    _ => throw new ArgumentException($"unknown target '{args[0]}'"),
};

if (args.Length == 3 && args[1] == "--replay")
{
    int count = 0;
    foreach (string file in Directory.EnumerateFiles(args[2], "*", SearchOption.AllDirectories))
    {
        target(File.ReadAllBytes(file));
        count++;
    }

    Console.WriteLine($"{args[0]}: {count} inputs replayed, no crash");
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    target(memory.GetBuffer().AsSpan(0, (int)memory.Length));
});
return 0;

internal static class Targets
{
    public static void SocketIO(ReadOnlySpan<byte> input)
    {
        // The first line is the text packet; what follows the first '\n' is one attachment.
        int newline = input.IndexOf((byte)'\n');
        ReadOnlySpan<byte> text = newline < 0 ? input : input[..newline];
        ReadOnlySpan<byte> attachment = newline < 0 ? [] : input[(newline + 1)..];
        var decoder = new SocketIOPacketDecoder();
        try
        {
            SocketIOPacket? packet = decoder.DecodeText(text);
            if (packet is null && decoder.HasPendingBinaryPacket)
            {
                packet = decoder.DecodeBinary(attachment);
            }

            if (packet is not null)
            {
                ReadWhole(packet);
            }
        }
        catch (SocketIOProtocolException)
        {
        }
    }

    public static void EngineIOPayload(ReadOnlySpan<byte> input)
    {
        ReadOnlyMemory<byte> payload = input.ToArray();
        try
        {
            while (TypedSocketIO.EngineIO.EngineIOPayload.TryReadPacket(ref payload, out EngineIOPayloadPacket packet))
            {
                if (packet.IsBase64Binary)
                {
                    _ = TypedSocketIO.EngineIO.EngineIOPayload.DecodeBase64(packet.Data.Span);
                }
            }
        }
        catch (EngineIOProtocolException)
        {
        }
    }

    public static void WebSocket(ReadOnlySpan<byte> input)
    {
        using var assembler = new WebSocketMessageAssembler(maxSize: 4096, maxFragments: 16);
        byte[] bytes = input.ToArray();
        int split = bytes.Length / 2;
        try
        {
            byte[] pending = bytes[..split];
            foreach (byte[] chunk in new[] { Array.Empty<byte>(), bytes[split..] })
            {
                pending = [.. pending, .. chunk];
                var buffer = new ReadOnlySequence<byte>(pending);
                WebSocketReadKind kind;
                while ((kind = assembler.Read(ref buffer)) != WebSocketReadKind.None)
                {
                    if (kind == WebSocketReadKind.Text && !System.Text.Unicode.Utf8.IsValid(assembler.Message.Span))
                    {
                        throw new InvalidOperationException("a text message that is not UTF-8 came out of the codec");
                    }

                    assembler.ReleaseMessage();
                    if (kind == WebSocketReadKind.Close)
                    {
                        return;
                    }
                }

                pending = buffer.ToArray();
            }
        }
        catch (WebSocketFrameException)
        {
        }
    }

    public static void MessagePack(ReadOnlySpan<byte> input)
    {
        var options = new SocketIOParserOptions { MaxAttachments = 4, MaxDepth = 16 };
        SocketIODecodedMessage decoded;
        try
        {
            decoded = SocketIOMessagePackParser.Instance.Decode(input, isBinary: true, options);
        }
        catch (SocketIOProtocolException)
        {
            return;
        }

        // What the parser accepted is a packet in the default form: it encodes again (an ACK without an id gains the id 0),
        // and the default decoder reads it whole or refuses it with its own protocol exception.
        byte[] encoded = SocketIOMessagePackParser.Instance.Encode(decoded.Text, [.. decoded.Attachments.Select(a => new ReadOnlyMemory<byte>(a))]);
        SocketIODecodedMessage again = SocketIOMessagePackParser.Instance.Decode(encoded, isBinary: true, options);
        bool same = again.Text.AsSpan().SequenceEqual(decoded.Text) || (decoded.Text[0] is (byte)'3' or (byte)'6' && again.Text.Length == decoded.Text.Length + 1);
        if (!same || again.Attachments.Count != decoded.Attachments.Count)
        {
            throw new InvalidOperationException("an accepted msgpack packet did not encode back to itself");
        }

        var decoder = new SocketIOPacketDecoder(options);
        try
        {
            SocketIOPacket? packet = decoder.DecodeText(decoded.Text);
            foreach (byte[] attachment in decoded.Attachments)
            {
                packet = decoder.DecodeBinary(attachment);
            }

            if (packet is null)
            {
                throw new InvalidOperationException("an accepted msgpack packet is missing attachments");
            }

            ReadWhole(packet);
        }
        catch (SocketIOProtocolException)
        {
        }
    }

    public static void RequestHead(ReadOnlySpan<byte> input)
    {
        // As the lean transport's middleware reads a connection's first bytes: no exception may leave, a head is parsed or
        // left to Kestrel (null).
        var buffer = new ReadOnlySequence<byte>(input.ToArray());
        if (buffer.IsEmpty || WebSocketRequestHead.CannotBeGet(buffer))
        {
            return;
        }

        int end = WebSocketRequestHead.FindEnd(buffer, 1024);
        if (end <= 0)
        {
            return;
        }

        WebSocketRequestHead? head = WebSocketRequestHead.TryParse(input[..end]);
        if (head is null)
        {
            return;
        }

        if (head.Length != end || head.RawTarget != head.Path + head.QueryString)
        {
            throw new InvalidOperationException("a parsed head does not match its bytes");
        }

        _ = head.IsWebSocketUpgrade;
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Path = head.Path, QueryString = head.QueryString, RawTarget = head.RawTarget, Headers = head.Headers });
        IQueryCollection query = new DefaultHttpContext(features).Request.Query;
        foreach (string name in new[] { "EIO", "transport", "sid", "t" })
        {
            _ = (string?)query[name];
        }
    }

    private static void ReadWhole(SocketIOPacket packet)
    {
        SocketIOArguments? arguments = packet.Type switch
        {
            SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent => SocketIOArguments.FromEvent(packet, out _),
            SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => SocketIOArguments.FromAck(packet),
            _ => null,
        };
        for (int i = 0; arguments is not null && i < arguments.Count; i++)
        {
            if (arguments.IsBinary(i))
            {
                _ = arguments.GetBinary(i);
            }
            else
            {
                _ = arguments.GetElement(i).ValueKind;
            }
        }
    }
}
