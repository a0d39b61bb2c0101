using System.Buffers;
using System.Net.WebSockets;

namespace TypedSocketIO.EngineIO.Internal.Transports;

/// <summary>
/// The WebSocket transport on a <see cref="WebSocket"/> accepted by ASP.NET Core's WebSocket middleware: messages are
/// gathered by a <see cref="WebSocketMessageReader"/>, and each packet is one <see cref="WebSocket.SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The reader's buffer is returned by DisposeReceiver when the read loop ends.")]
internal sealed class AspNetCoreWebSocketTransport : WebSocketTransport
{
    private readonly WebSocket _socket;
    private readonly WebSocketMessageReader _reader;
    private readonly List<OutgoingPacket> _burst = new();

    public AspNetCoreWebSocketTransport(EngineIOConnection session, WebSocket socket)
        : base(session)
    {
        _socket = socket;
        _reader = new WebSocketMessageReader(socket, session.Server.Options);
    }

    public override void Abort()
    {
        try
        {
            _socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request has ended and its features are disposed (a late abort, e.g. after the close timeout): the connection
            // is gone already. Thrown from a timer's continuation, this would otherwise surface as an unobserved task exception.
        }
    }

    protected override ValueTask<WebSocketMessage> ReceiveAsync() => _reader.ReceiveAsync(CancellationToken.None);

    protected override void ReleaseReceived()
    {
        // The reader's buffer is reused for the next message.
    }

    protected override void DisposeReceiver() => _reader.Dispose();

    protected override async ValueTask<bool> WriteQueuedAsync()
    {
        lock (Session.SyncRoot)
        {
            RetireBurstUnderLock();
            ReadOnlySpan<OutgoingPacket> pending = PendingUnderLock;
            if (pending.IsEmpty)
            {
                return false;
            }

            _burst.AddRange(pending);
            TakeBurstUnderLock(release: false); // released below, once sent
        }

        try
        {
            foreach (OutgoingPacket packet in _burst)
            {
                OnSendStarted();
                ValueTask send = SendFrameAsync(packet.Type, packet.Data, packet.IsBinary, CancellationToken.None);
                if (!send.IsCompleted)
                {
                    OnSendPending();
                }

                await send.ConfigureAwait(false);
                OnSendCompleted();
            }
        }
        finally
        {
            // Sent or failed: either way the socket no longer reads these bytes.
            foreach (OutgoingPacket packet in _burst)
            {
                packet.Release();
            }

            _burst.Clear();
        }

        return true;
    }

    protected override async ValueTask SendProbeAnswerAsync(byte[] probe)
    {
        using var timeout = new CancellationTokenSource(Session.Server.Options.SendTimeout);
        await SendFrameAsync(EngineIOPacketType.Pong, probe, isBinary: false, timeout.Token).ConfigureAwait(false);
    }

    protected override async Task CloseOutputAsync(WebSocketCloseStatus status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _socket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
    }

    private async ValueTask SendFrameAsync(EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary, CancellationToken cancellationToken)
    {
        if (isBinary)
        {
            await _socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The socket sends one buffer per message: the type digit is copied in front of the data.
        byte[] frame = ArrayPool<byte>.Shared.Rent(data.Length + 1);
        try
        {
            frame[0] = (byte)('0' + (int)type);
            data.Span.CopyTo(frame.AsSpan(1));
            await _socket.SendAsync(frame.AsMemory(0, data.Length + 1), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
