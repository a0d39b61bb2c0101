using System.Buffers;
using System.Net.WebSockets;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.EngineIO;

/// <content>WebSocket: the direct handshake, the upgrade from polling, the receive loop and the writes.</content>
internal sealed partial class EngineIOClientSession
{
    private static readonly byte[] ProbePing = "2probe"u8.ToArray();
    private static readonly byte[] UpgradePacket = "5"u8.ToArray();

    private MessageBuffer? _handshakeBuffer;

    private async Task<ClientWebSocket> ConnectWebSocketAsync(string? sid, CancellationToken cancellationToken)
    {
        var webSocket = new ClientWebSocket();
        try
        {
            webSocket.Options.CollectHttpResponseDetails = true;
            foreach (KeyValuePair<string, string> header in _options.ExtraHeaders)
            {
                webSocket.Options.SetRequestHeader(header.Key, header.Value);
            }

            foreach (string protocol in _options.Protocols)
            {
                webSocket.Options.AddSubProtocol(protocol);
            }

            Uri uri = BuildUri(webSocket: true, sid);
            if (_options.HttpMessageHandler is { } handler)
            {
                using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
                await webSocket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await webSocket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            }

            return webSocket;
        }
        catch (WebSocketException e)
        {
            int? status = webSocket.HttpStatusCode == 0 ? null : (int)webSocket.HttpStatusCode;
            webSocket.Dispose();
            throw new EngineIOClientException(
                status is null ? "The WebSocket handshake failed: " + e.Message : $"The WebSocket handshake was answered with HTTP {status}.",
                status,
                null,
                e);
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }
    }

    private async Task HandshakeWebSocketAsync(CancellationToken cancellationToken)
    {
        ClientWebSocket webSocket = await ConnectWebSocketAsync(sid: null, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            // Owned by the session from here: released by Abandon if the handshake fails.
            _webSocket = webSocket;
            _transport = EngineIOProtocol.WebSocketTransport;
        }

        var buffer = new MessageBuffer();
        try
        {
            WebSocketMessageType type = await ReceiveMessageAsync(webSocket, buffer, cancellationToken).ConfigureAwait(false);
            if (type == WebSocketMessageType.Close)
            {
                throw new EngineIOClientException("The server closed the WebSocket before the handshake.");
            }

            EngineIOPayloadPacket open = type == WebSocketMessageType.Text ? EngineIOPayload.ParsePacket(buffer.Memory) : default;
            if (type != WebSocketMessageType.Text || open.Type != EngineIOPacketType.Open || open.IsBase64Binary)
            {
                throw new EngineIOProtocolException("the first WebSocket message is not an open packet");
            }

            _handshake = EngineIOClientHandshake.Parse(open.Data.Span);
            Observe(outgoing: false, EngineIOPacketType.Open, open.Data, isBinary: false);   // the official engine's "packet" for open
            _handshakeBuffer = buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Reads one whole WebSocket message into <paramref name="buffer"/>, within the size and fragment limits.</summary>
    /// <returns>The message type; <see cref="WebSocketMessageType.Close"/> when the server closed the WebSocket.</returns>
    private async Task<WebSocketMessageType> ReceiveMessageAsync(ClientWebSocket webSocket, MessageBuffer buffer, CancellationToken cancellationToken)
    {
        buffer.Count = 0;
        int reads = 0;
        int limit = _options.MaxReceiveSize;
        while (true)
        {
            ValueWebSocketReceiveResult result = await webSocket.ReceiveAsync(buffer.GetFreeSpace(limit), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketMessageType.Close;
            }

            buffer.Count += result.Count;
            if (buffer.Count > limit)
            {
                throw new EngineIOProtocolException($"a WebSocket message is larger than {limit} bytes (EngineIOClientOptions.MaxReceiveSize)");
            }

            if (result.EndOfMessage)
            {
                return result.MessageType;
            }

            // Counts reads, which bounds fragments (CVE-2026-48779: many tiny or empty fragments).
            if (++reads > _options.MaxWebSocketFragments)
            {
                throw new EngineIOProtocolException($"a WebSocket message has more than {_options.MaxWebSocketFragments} fragments (EngineIOClientOptions.MaxWebSocketFragments)");
            }
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket webSocket, MessageBuffer buffer)
    {
        CancellationToken token = _lifetime.Token;
        try
        {
            while (true)
            {
                WebSocketMessageType type = await ReceiveMessageAsync(webSocket, buffer, token).ConfigureAwait(false);
                if (type == WebSocketMessageType.Close)
                {
                    Terminate(EngineIOCloseReason.TransportClose.Reason, null);
                    return;
                }

                if (type == WebSocketMessageType.Binary)
                {
                    DeliverBinary(buffer.Memory);
                    if (!IsOpen)
                    {
                        return;
                    }
                }
                else if (!HandlePacket(EngineIOPayload.ParsePacket(buffer.Memory)))
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            OnTransportFailure(e);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static async Task WriteWebSocketAsync(ClientWebSocket webSocket, List<OutgoingPacket> batch, CancellationToken cancellationToken)
    {
        foreach (OutgoingPacket packet in batch)
        {
            if (packet.Type == EngineIOPacketType.Close)
            {
                // As the official client: closing the WebSocket is the close of a WebSocket session.
                await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
            else if (packet.IsBinary)
            {
                await webSocket.SendAsync(packet.Data, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                int length = packet.Data.Length + 1;
                byte[] frame = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    frame[0] = (byte)('0' + (int)packet.Type);
                    packet.Data.Span.CopyTo(frame.AsSpan(1));

                    // Only the written length goes out, never the rest of the rented array.
                    await webSocket.SendAsync(frame.AsMemory(0, length), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
    }

    /// <summary>
    /// Upgrades a polling session: <c>2probe</c>/<c>3probe</c> over a new WebSocket; then polling pauses (the POST
    /// and the GET in flight end), <c>5</c> is sent and the queue continues over the WebSocket. A failed probe keeps polling.
    /// </summary>
    private async Task UpgradeAsync()
    {
        string sid = _handshake!.Sid;
        ClientWebSocket? webSocket = null;
        var buffer = new MessageBuffer();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            timeout.CancelAfter(_options.UpgradeTimeout);
            webSocket = await ConnectWebSocketAsync(sid, timeout.Token).ConfigureAwait(false);
            await webSocket.SendAsync(ProbePing, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            WebSocketMessageType type = await ReceiveMessageAsync(webSocket, buffer, timeout.Token).ConfigureAwait(false);
            if (type != WebSocketMessageType.Text || !buffer.Memory.Span.SequenceEqual("3probe"u8))
            {
                throw new EngineIOProtocolException("the server did not answer the probe with 3probe");
            }
        }
        catch (Exception e)
        {
            webSocket?.Abort();
            webSocket?.Dispose();
            buffer.Dispose();
            lock (_gate)
            {
                TransitionLocked(UpgradeState.Failed);
            }

            if (!_lifetime.IsCancellationRequested)
            {
                EngineIOClientLog.ProbeFailed(_logger, sid, e);
            }

            return;
        }

        bool switched = false;
        try
        {
            lock (_gate)
            {
                if (_state != SessionState.Open)
                {
                    throw new OperationCanceledException();
                }

                TransitionLocked(UpgradeState.Switching);
            }

            // Pause polling: the POST in flight ends first (the writer's lock), then the GET in flight
            // (the server releases it with a noop once it has answered the probe).
            await _writeMutex.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                // The official client's "upgrading" event, once the write in flight has ended: the transport is
                // writable and the queue paused, so what is sent now (volatile packets too) waits for the WebSocket.
                NotifyUpgrade(done: false);
                await _pollLoop.WaitAsync(_lifetime.Token).ConfigureAwait(false);
                await webSocket.SendAsync(UpgradePacket, WebSocketMessageType.Text, true, _lifetime.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!IsRunningLocked)
                    {
                        throw new OperationCanceledException();
                    }

                    _webSocket = webSocket;
                    _transport = EngineIOProtocol.WebSocketTransport;
                    TransitionLocked(UpgradeState.Upgraded);
                    switched = true;
                }
            }
            finally
            {
                _writeMutex.Release();
            }
        }
        catch (Exception e)
        {
            if (!switched)
            {
                webSocket.Abort();
                webSocket.Dispose();
                buffer.Dispose();
            }

            // Polling is paused: the session cannot go on without the WebSocket.
            OnTransportFailure(e);
            return;
        }

        EngineIOClientLog.Upgraded(_logger, sid);
        NotifyUpgrade(done: true);
        _receiveLoop = ReceiveLoopAsync(webSocket, buffer);
        Wake();
    }

    /// <summary>A pooled, growable buffer for one WebSocket message at a time.</summary>
    private sealed class MessageBuffer : IDisposable
    {
        private byte[] _array = ArrayPool<byte>.Shared.Rent(4096);

        public int Count { get; set; }

        public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Count);

        /// <summary>The free space after <see cref="Count"/>, grown (up to <paramref name="limit"/> + 1 bytes) when there is none.</summary>
        public Memory<byte> GetFreeSpace(int limit)
        {
            if (Count == _array.Length)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)limit + 1, _array.Length * 2L));
                _array.AsSpan(0, Count).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_array);
                _array = larger;
            }

            return _array.AsMemory(Count);
        }

        public void Dispose()
        {
            byte[] array = _array;
            _array = [];
            Count = 0;
            if (array.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
