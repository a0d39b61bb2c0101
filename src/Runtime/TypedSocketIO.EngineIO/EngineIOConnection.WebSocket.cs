using System.Buffers;
using System.Net.WebSockets;
using TypedSocketIO.EngineIO.Internal;

namespace TypedSocketIO.EngineIO;

/// <summary>The WebSocket transport: a direct WebSocket session, or the upgrade of a polling session.</summary>
public sealed partial class EngineIOConnection
{
    private static readonly byte[] ProbeData = "probe"u8.ToArray();
    private WebSocket? _webSocket;
    private WebSocket? _probeSocket;
    private bool _upgrading;
    private const long NoopIntervalMilliseconds = 100;
    private bool _noopPending;
    private long _noopDue;
    private long _upgradeDeadline;
    private WebSocketCloseStatus _webSocketCloseStatus = WebSocketCloseStatus.NormalClosure;

    /// <summary>Runs a session that was opened directly over WebSocket, until it closes.</summary>
    internal async Task RunWebSocketAsync(WebSocket socket)
    {
        lock (_lock)
        {
            _webSocket = socket;
        }

        await RunMainWebSocketAsync(socket).ConfigureAwait(false);
    }

    /// <summary>Runs the upgrade of a polling session to <paramref name="socket"/>: <c>2probe</c>/<c>3probe</c>, then <c>5</c>.</summary>
    internal async Task RunUpgradeAsync(WebSocket socket)
    {
        lock (_lock)
        {
            if (_state != ConnectionState.Open || _upgrading || _transport != EngineIOProtocol.PollingTransport)
            {
                socket.Abort();
                return;
            }

            _upgrading = true;
            _probeSocket = socket;
            _upgradeDeadline = Environment.TickCount64 + (long)_server.Options.UpgradeTimeout.TotalMilliseconds;
        }

        var reader = new WebSocketMessageReader(socket, _server.Options);
        try
        {
            while (true)
            {
                WebSocketMessage message = await reader.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                if (message.IsClose || message.IsBinary)
                {
                    AbandonUpgrade(socket, message.IsClose ? "the client closed the probe" : "binary data during the probe");
                    return;
                }

                EngineIOPayloadPacket packet = EngineIOPayload.ParsePacket(message.Data);
                if (packet.Type == EngineIOPacketType.Ping && packet.Data.Span.SequenceEqual(ProbeData))
                {
                    await SendFrameAsync(socket, EngineIOPacketType.Pong, ProbeData, isBinary: false).ConfigureAwait(false);
                    lock (_lock)
                    {
                        // A pending GET is released with a noop, as the official server does: on its 100 ms check, not at
                        // once, so that an upgrade packet right behind the probe completes the upgrade first.
                        _noopDue = Environment.TickCount64 + NoopIntervalMilliseconds;
                    }
                }
                else if (packet.Type == EngineIOPacketType.Upgrade)
                {
                    lock (_lock)
                    {
                        if (_probeSocket != socket || _state != ConnectionState.Open)
                        {
                            socket.Abort();
                            return;
                        }

                        _probeSocket = null;
                        _upgrading = false;
                        _noopPending = false;
                        _noopDue = 0;
                        _transport = EngineIOProtocol.WebSocketTransport;
                        _webSocket = socket;

                        // A GET still pending is released; what is queued now goes over the WebSocket.
                        SignalUnderLock();
                    }

                    _server.OnUpgraded(this);
                    EngineIOLog.Upgraded(_server.Logger, EngineIOProtocol.WebSocketTransport);
                    break;
                }
                else
                {
                    AbandonUpgrade(socket, "unexpected packet during the probe");
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or EngineIOProtocolException or EngineIOLimitExceededException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            AbandonUpgrade(socket, ex.Message);
            return;
        }

        await RunMainWebSocketAsync(socket, reader).ConfigureAwait(false);
    }

    private void AbandonUpgrade(WebSocket socket, string detail)
    {
        lock (_lock)
        {
            if (_probeSocket == socket)
            {
                _probeSocket = null;
                _upgrading = false;
                _noopPending = false;
                _noopDue = 0;
                SignalUnderLock();
            }
        }

        EngineIOLog.UpgradeAbandoned(_server.Logger, detail);
        socket.Abort();
    }

    private async Task RunMainWebSocketAsync(WebSocket socket, WebSocketMessageReader? reader = null)
    {
        reader ??= new WebSocketMessageReader(socket, _server.Options);
        Task writer = RunWebSocketWriterAsync(socket);
        EngineIOCloseReason reason = EngineIOCloseReason.TransportClose;
        try
        {
            while (true)
            {
                WebSocketMessage message = await reader.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
                if (message.IsClose)
                {
                    break;
                }

                if (message.IsBinary)
                {
                    if (!await DispatchAsync(EngineIOPacketType.Message, message.Data, isBinary: true).ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }

                EngineIOPayloadPacket packet = EngineIOPayload.ParsePacket(message.Data);
                bool open = packet.IsBase64Binary
                    // A text frame "b<base64>" is binary (the official client sends it when forced to base64).
                    ? await DispatchAsync(EngineIOPacketType.Message, EngineIOPayload.DecodeBase64(packet.Data.Span), isBinary: true).ConfigureAwait(false)
                    : await DispatchAsync(packet.Type, packet.Data, isBinary: false).ConfigureAwait(false);
                if (!open)
                {
                    break;
                }
            }
        }
        catch (EngineIOProtocolException ex)
        {
            EngineIOLog.ProtocolViolation(_server.Logger, ex.Message);
            reason = new EngineIOCloseReason(EngineIOCloseReason.ParseError.Reason, ex.Message);
        }
        catch (EngineIOLimitExceededException ex)
        {
            EngineIOLog.ProtocolViolation(_server.Logger, ex.Message);
            reason = new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, ex.Message);
            _webSocketCloseStatus = WebSocketCloseStatus.MessageTooBig;
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            reason = EngineIOCloseReason.TransportClose;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            EngineIOLog.TransportFailed(_server.Logger, ex);
            reason = EngineIOCloseReason.TransportError;
        }
        finally
        {
            reader.Dispose();
        }

        await CloseCoreAsync(reason, flush: false).ConfigureAwait(false);
        await writer.ConfigureAwait(false);
    }

    /// <summary>Writes what is queued to the WebSocket until the session closes, then closes the WebSocket.</summary>
    private async Task RunWebSocketWriterAsync(WebSocket socket)
    {
        List<OutgoingPacket> packets = new();
        try
        {
            while (true)
            {
                Task wait;
                bool done = false;
                lock (_lock)
                {
                    if (_queue.Count > 0)
                    {
                        packets.AddRange(_queue);
                        _queue.Clear();
                        _queuedBytes = 0;
                    }
                    else if (_state != ConnectionState.Open)
                    {
                        done = true;
                    }

                    _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _signal.Task;
                }

                if (done)
                {
                    break;
                }

                if (packets.Count == 0)
                {
                    await wait.ConfigureAwait(false);
                    continue;
                }

                foreach (OutgoingPacket packet in packets)
                {
                    await SendFrameAsync(socket, packet.Type, packet.Data, packet.IsBinary).ConfigureAwait(false);
                }

                packets.Clear();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(_webSocketCloseStatus, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            socket.Abort();
            await CloseCoreAsync(EngineIOCloseReason.TransportError, flush: false).ConfigureAwait(false);
            return;
        }

        Finish();

        // The peer answers our close frame; if it does not within a moment, drop the connection.
        _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(static (_, s) => ((WebSocket)s!).Abort(), socket, TaskScheduler.Default);
    }

    private async ValueTask SendFrameAsync(WebSocket socket, EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
    {
        using var timeout = new CancellationTokenSource(_server.Options.SendTimeout);
        if (isBinary)
        {
            await socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token).ConfigureAwait(false);
            return;
        }

        byte[] frame = ArrayPool<byte>.Shared.Rent(data.Length + 1);
        try
        {
            frame[0] = (byte)('0' + (int)type);
            data.Span.CopyTo(frame.AsSpan(1));
            await socket.SendAsync(frame.AsMemory(0, data.Length + 1), WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
