using System.Buffers.Text;
using BenchmarkDotNet.Attributes;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace Micro;

/// <summary>
/// The Socket.IO hot path of the server, without network: packets go in through the client connection
/// (<c>SocketIOClientConnection.OnTextAsync</c>, as the Engine.IO session calls it) and come out at an in-memory transport.
/// Bytes/op is what one operation allocates (a broadcast: for all 100 sockets together).
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly byte[] EventPacket = """2["echo",{"n":1,"s":"hello, world"}]"""u8.ToArray();
    private static readonly byte[] AckEventPacket = """21["echo",{"n":1,"s":"hello, world"}]"""u8.ToArray();
    private static readonly byte[] BinaryEventPacket = """51-["echoBinary",{"_placeholder":true,"num":0}]"""u8.ToArray();
    private static readonly byte[] Attachment = new byte[1024];

    // The user's own argument objects, made once: what is measured is ours.
    private static readonly object?[] UntypedArguments = [1L, "hello, world"];
    private static readonly Payload TypedPayload = new(1, "hello, world");

    private readonly byte[] _answer = new byte[64];
    private SocketIOPacketDecoder _decoder = null!;
    private SocketIOServer _untypedServer = null!;
    private SocketIOServer _typedServer = null!;
    private SocketIOServer _broadcastServer = null!;
    private SocketIOServer _recoveryServer = null!;
    private MemoryClient _untypedClient = null!;
    private MemoryClient _typedClient = null!;
    private SocketIOSocket _untypedSocket = null!;
    private SocketIOSocket<IMicroServer, IMicroClient> _typedSocket = null!;
    private SocketIONamespace<IMicroServer, IMicroClient> _broadcastNamespace = null!;

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new SocketIOPacketDecoder();

        _untypedServer = new SocketIOServer(new SocketIOServerOptions());
        _untypedServer.OnConnection(socket => socket.On("echo", (arguments, ack) =>
        {
            ack.Send(arguments, EchoArguments);
            return ValueTask.CompletedTask;
        }));
        _untypedClient = new MemoryClient(_untypedServer);
        _untypedSocket = _untypedClient.Connect(_untypedServer);

        _typedServer = new SocketIOServer(new SocketIOServerOptions());
        _typedServer.Of<IMicroServer, IMicroClient>("/").OnConnection(socket => socket.On.Echo(payload => payload));
        _typedClient = new MemoryClient(_typedServer);
        _typedSocket = _typedClient.Connect(_typedServer).As<IMicroServer, IMicroClient>();

        _broadcastServer = new SocketIOServer(new SocketIOServerOptions());
        _broadcastNamespace = _broadcastServer.Of<IMicroServer, IMicroClient>("/");
        for (int i = 0; i < 100; i++)
        {
            new MemoryClient(_broadcastServer).Connect(_broadcastServer);
        }

        _recoveryServer = new SocketIOServer(new SocketIOServerOptions { ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions() });
        MemoryClient recoveryClient = new(_recoveryServer);
        recoveryClient.Connect(_recoveryServer);
        for (int i = 1; i < 100; i++)
        {
            new MemoryClient(_recoveryServer).Connect(_recoveryServer);
        }

        // Each benchmark checks its own effect once, so a broken path cannot measure as fast.
        AckRoundTripUntyped();
        Expect(_untypedClient.Transport, """31[{"n":1,"s":"hello, world"}]""");
        AckRoundTripTyped();
        Expect(_typedClient.Transport, """31[{"n":1,"s":"hello, world"}]""");
        EmitUntyped();
        Expect(_untypedClient.Transport, """2["tick",1,"hello, world"]""");
        EmitTyped();
        Expect(_typedClient.Transport, """2["tick",{"n":1,"s":"hello, world"}]""");
        BroadcastRecovery100();
        string withOffset = System.Text.Encoding.UTF8.GetString(recoveryClient.Transport.LastText.Span);
        if (!withOffset.StartsWith("2[\"tick\",1,\"hello, world\",\"", StringComparison.Ordinal) || !withOffset.EndsWith("-0\"]", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Sent {withOffset}, expected the event with its offset.");
        }

        if (EmitWithAckAnswered() != 1 || ParseEvent() != 1 || DecodeBinaryEvent() != 1024)
        {
            throw new InvalidOperationException("A benchmark does not do what it says.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _untypedServer.Dispose();
        _typedServer.Dispose();
        _broadcastServer.Dispose();
        _recoveryServer.Dispose();
    }

    /// <summary>Decodes <c>2["echo",{…}]</c> and makes the arguments view, as the server does for every EVENT.</summary>
    [Benchmark]
    public int ParseEvent()
    {
        // The server's path: the decoded fields, no SocketIOPacket (the public DecodeText wraps the same in one).
        _decoder.TryDecodeText(EventPacket, out DecodedPacket packet);
        return SocketIOArguments.FromEvent(packet).Count;
    }

    /// <summary>Decodes <c>51-["echoBinary",&lt;placeholder&gt;]</c> and its 1 KiB attachment.</summary>
    [Benchmark]
    public int DecodeBinaryEvent()
    {
        _decoder.TryDecodeText(BinaryEventPacket, out _);
        _decoder.TryDecodeBinary(Attachment, out DecodedPacket packet);
        return SocketIOArguments.FromEvent(packet).GetBinary(0).Length;
    }

    /// <summary><c>21["echo",{…}]</c> in, dispatched to an untyped handler that acknowledges its arguments as they came, <c>31[{…}]</c> out.</summary>
    [Benchmark]
    public void AckRoundTripUntyped() => _untypedClient.Send(AckEventPacket);

    /// <summary>The same through a typed contract: <c>Task&lt;Payload&gt; Echo(Payload)</c>, the handler returning its argument.</summary>
    [Benchmark]
    public void AckRoundTripTyped() => _typedClient.Send(AckEventPacket);

    /// <summary><c>socket.Emit("tick", 1L, "hello, world")</c>.</summary>
    [Benchmark]
    public bool EmitUntyped() => _untypedSocket.Emit("tick", UntypedArguments);

    /// <summary><c>socket.Emit.Tick(payload)</c>.</summary>
    [Benchmark]
    public bool EmitTyped() => _typedSocket.Emit.Tick(TypedPayload);

    /// <summary><c>socket.EmitWithAckAsync("ping", …)</c>, answered by the client with <c>3N["pong"]</c>.</summary>
    [Benchmark]
    public int EmitWithAckAnswered()
    {
        Task<SocketIOArguments> task = _untypedSocket.EmitWithAckAsync("ping", UntypedArguments);
        ReadOnlySpan<byte> sent = _untypedClient.Transport.LastText.Span;
        if (!Utf8Parser.TryParse(sent[1..], out long id, out _))
        {
            throw new InvalidOperationException("No ack id.");
        }

        Span<byte> answer = _answer;
        answer[0] = (byte)'3';
        Utf8Formatter.TryFormat(id, answer[1..], out int written);
        """["pong"]"""u8.CopyTo(answer[(1 + written)..]);
        _untypedClient.Send(_answer.AsMemory(0, 1 + written + 8));
        return task.GetAwaiter().GetResult().Count;
    }

    /// <summary><c>io.Emit("tick", 1L, "hello, world")</c> to 100 sockets.</summary>
    [Benchmark]
    public bool BroadcastUntyped100() => _broadcastServer.Emit("tick", UntypedArguments);

    /// <summary><c>io.Emit.Tick(payload)</c> to 100 sockets.</summary>
    [Benchmark]
    public void BroadcastTyped100() => _broadcastNamespace.Emit.Tick(TypedPayload);

    /// <summary><c>io.Emit("tick", 1L, "hello, world")</c> to 100 sockets with connection state recovery on (the offset appended, the packet kept for replay).</summary>
    [Benchmark]
    public bool BroadcastRecovery100() => _recoveryServer.Emit("tick", UntypedArguments);

    private static void Expect(NullTransport transport, string text)
    {
        string sent = System.Text.Encoding.UTF8.GetString(transport.LastText.Span);
        if (sent != text)
        {
            throw new InvalidOperationException($"Sent {sent}, expected {text}.");
        }
    }

    private static void EchoArguments(SocketIOPacketWriter writer, SocketIOArguments arguments)
    {
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments.IsBinary(i))
            {
                writer.WriteBinary(arguments.GetBinary(i));
            }
            else
            {
                writer.WriteRawJson(arguments.GetRawJson(i).Span);
            }
        }
    }
}
