using System.IO.Pipelines;
using System.Net.WebSockets;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace TypedSocketIO.EngineIO.Internal.Transports;

/// <summary>
/// The lean WebSocket transport on a Kestrel connection's pipes (<see cref="PipeWebSocket"/>): messages are read inline from
/// the connection's <see cref="PipeReader"/> into a buffer rented for the message alone; every packet queued when the writer
/// runs is written as a frame straight into the connection's <see cref="PipeWriter"/> (the type digit written as the first
/// payload byte, no copy of the data), then one flush sends the burst. Nothing is held while the socket is idle.
/// </summary>
internal sealed class KestrelWebSocketTransport : WebSocketTransport
{
    private readonly PipeWebSocket _socket;

    public KestrelWebSocketTransport(EngineIOConnection session, PipeWebSocket socket)
        : base(session)
    {
        _socket = socket;
    }

    /// <summary>The socket (for tests: its flushes, whether it holds a buffer).</summary>
    internal PipeWebSocket Socket => _socket;

    public override void Abort() => _socket.Abort();

    protected override ValueTask<WebSocketMessage> ReceiveAsync() => _socket.ReceiveMessageAsync(CancellationToken.None);

    protected override void ReleaseReceived() => _socket.ReleaseMessage();

    protected override void DisposeReceiver() => _socket.ReleaseMessage();

    protected override async ValueTask<bool> WriteQueuedAsync()
    {
        OnSendStarted();
        ValueTask<bool> write = _socket.WriteFramesAsync(static (writer, self) => self.WriteQueuedFrames(writer), this);
        if (!write.IsCompleted)
        {
            OnSendPending();
        }

        bool taken = await write.ConfigureAwait(false);
        OnSendCompleted();
        return taken;
    }

    /// <summary>Under the socket's write lock: takes what is queued and writes it as frames (dropped when the close frame was already sent).</summary>
    private bool WriteQueuedFrames(PipeWriter? writer)
    {
        lock (Session.SyncRoot)
        {
            RetireBurstUnderLock();
            ReadOnlySpan<OutgoingPacket> pending = PendingUnderLock;
            if (pending.IsEmpty)
            {
                return false;
            }

            if (writer is not null)
            {
                foreach (OutgoingPacket packet in pending)
                {
                    if (packet.IsBinary)
                    {
                        WebSocketFrames.WriteFrame(writer, WebSocketOpcode.Binary, -1, packet.Data.Span);
                    }
                    else
                    {
                        WebSocketFrames.WriteFrame(writer, WebSocketOpcode.Text, '0' + (int)packet.Type, packet.Data.Span);
                    }
                }
            }

            TakeBurstUnderLock(release: true); // copied into the pipe; counted until the flush is done
            return true;
        }
    }

    protected override async ValueTask SendProbeAnswerAsync(byte[] probe)
    {
        await _socket.WriteFramesAsync(
            static (writer, data) =>
            {
                if (writer is not null)
                {
                    WebSocketFrames.WriteFrame(writer, WebSocketOpcode.Text, '0' + (int)EngineIOPacketType.Pong, data);
                }

                return true;
            },
            probe).ConfigureAwait(false);
    }

    protected override Task CloseOutputAsync(WebSocketCloseStatus status) => _socket.CloseOutputAsync(status, null, CancellationToken.None);
}
