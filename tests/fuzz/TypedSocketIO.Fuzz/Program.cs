// Coverage-guided fuzzing targets for SharpFuzz + AFL++ (tests/fuzz/run.sh instruments the assemblies and runs afl-fuzz).
//
//   TypedSocketIO.Fuzz <target>                   under afl-fuzz: one input per run from stdin (SharpFuzz's forkserver)
//   TypedSocketIO.Fuzz <target> --replay <dir>    every file of <dir> through the target once, without AFL (regressions)
//
// Targets: socketio (Socket.IO text packet, then the rest of the input as one attachment when it announces some),
// engineio-payload (an Engine.IO polling payload, base64 packets decoded), websocket (client frames through the lean
// transport's codec, in two chunks). The oracle: only the decoder's own protocol exception may leave it; anything else
// is a crash for AFL to keep.
using System.Buffers;
using SharpFuzz;
using TypedSocketIO.EngineIO;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.SocketIO;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: TypedSocketIO.Fuzz socketio|engineio-payload|websocket [--replay <dir>]");
    return 2;
}

Action<ReadOnlySpan<byte>> target = args[0] switch
{
    "socketio" => Targets.SocketIO,
    "engineio-payload" => Targets.EngineIOPayload,
    "websocket" => Targets.WebSocket,
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
