using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace Micro;

/// <summary>An in-memory Engine.IO session: keeps the last packet the server sent, writes nothing anywhere.</summary>
internal sealed class NullTransport : ISocketIOTransport
{
    private static int s_next;

    public string Id { get; } = "eio" + Interlocked.Increment(ref s_next);

    public bool IsOpen => true;

    public CancellationToken Closed => CancellationToken.None;

    /// <summary>The text frame of the last packet sent.</summary>
    public ReadOnlyMemory<byte> LastText { get; private set; }

    public long Sent { get; private set; }

    public bool TrySend(SocketIOEncodedPacket packet, bool isVolatile)
    {
        LastText = packet.Text;
        Sent++;
        return true;
    }

    public bool TrySendText(byte[] text, bool isVolatile)
    {
        LastText = text;
        Sent++;
        return true;
    }

    // As the Engine.IO session does: the text is copied out (here into one reused buffer) and released.
    private byte[] _copy = new byte[256];

    public bool TrySendPooled(PooledPacketText text, bool isVolatile)
    {
        ReadOnlySpan<byte> span = text.Text.Span;
        if (span.Length > _copy.Length)
        {
            _copy = new byte[span.Length];
        }

        span.CopyTo(_copy);
        LastText = _copy.AsMemory(0, span.Length);
        text.Release();
        Sent++;
        return true;
    }

    public ValueTask CloseAsync(EngineIOCloseReason reason) => ValueTask.CompletedTask;
}

/// <summary>One in-memory client connection to a <see cref="SocketIOServer"/>, with no HTTP and no network.</summary>
internal sealed class MemoryClient
{
    public MemoryClient(SocketIOServer server)
    {
        var info = new SocketIOConnectionInfo(
            new HeaderDictionary(),
            new QueryCollection(),
            "/socket.io/?EIO=4&transport=websocket",
            IPAddress.Loopback,
            DateTimeOffset.UnixEpoch,
            false,
            new ClaimsPrincipal(new ClaimsIdentity()));
        Transport = new NullTransport();
        Connection = server.CreateClient(Transport, info);
    }

    public NullTransport Transport { get; }

    public SocketIOClientConnection Connection { get; }

    /// <summary>Joins the main namespace; returns the socket.</summary>
    public SocketIOSocket Connect(SocketIOServer server)
    {
        Connection.OnTextAsync("0"u8.ToArray()).AsTask().GetAwaiter().GetResult();
        string text = System.Text.Encoding.UTF8.GetString(Transport.LastText.Span);
        string sid = text["0{\"sid\":\"".Length..];
        sid = sid[..sid.IndexOf('"', StringComparison.Ordinal)];
        return server.MainNamespace.Sockets[sid];
    }

    /// <summary>Pushes a Socket.IO text packet (without the Engine.IO <c>4</c>); it must be handled synchronously.</summary>
    public void Send(ReadOnlyMemory<byte> packet)
    {
        ValueTask task = Connection.OnTextAsync(packet);
        if (!task.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The packet was not handled synchronously.");
        }
    }

    /// <summary>Pushes a binary frame; it must be handled synchronously.</summary>
    public void SendBinary(ReadOnlyMemory<byte> data)
    {
        ValueTask task = Connection.OnBinaryAsync(data);
        if (!task.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The frame was not handled synchronously.");
        }
    }
}
