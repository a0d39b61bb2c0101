using System.Buffers;
using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.EngineIO;

/// <content>HTTP long-polling: the handshake, the GET loop, the POST writer, and the writer loop shared with WebSocket.</content>
internal sealed partial class EngineIOClientSession
{
    private const int MaxErrorBodyChars = 4096;
    private static readonly ReadOnlyMemory<byte> ClosePayload = "1"u8.ToArray();

    // A new header value per request: header objects are mutable and must not be shared between requests.
    private static MediaTypeHeaderValue TextPlain => new("text/plain") { CharSet = "UTF-8" };

    private HttpClient CreateHttpClient()
    {
        HttpMessageHandler handler = _options.HttpMessageHandler ?? new SocketsHttpHandler
        {
            // Cookies travel in ExtraHeaders, the same on HTTP and on the WebSocket handshake.
            UseCookies = false,
            ConnectTimeout = _options.ConnectTimeout,
        };

        // Each request is bounded by the session: the ping timer (pingInterval + pingTimeout) or the close cancels it.
        return new HttpClient(handler, disposeHandler: _options.HttpMessageHandler is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        foreach (KeyValuePair<string, string> header in _options.ExtraHeaders)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return request;
    }

    private async Task HandshakePollingAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload = await GetAsync(sid: null, cancellationToken).ConfigureAwait(false);
        if (!EngineIOPayload.TryReadPacket(ref payload, out EngineIOPayloadPacket open) || open.Type != EngineIOPacketType.Open || open.IsBase64Binary)
        {
            throw new EngineIOProtocolException("the first packet is not an open packet");
        }

        _handshake = EngineIOClientHandshake.Parse(open.Data.Span);
        Observe(outgoing: false, EngineIOPacketType.Open, open.Data, isBinary: false);   // the official engine's "packet" for open
        _transport = EngineIOProtocol.PollingTransport;

        // Packets after the open packet in the same payload are delivered by the GET loop, once the session is open.
        _handshakeRest = payload;
    }

    /// <summary>Sends one polling GET and returns its body.</summary>
    /// <exception cref="EngineIOClientException">The server answered with an error status.</exception>
    /// <exception cref="EngineIOProtocolException">The body is larger than <see cref="EngineIOClientOptions.MaxReceiveSize"/>.</exception>
    private async Task<ReadOnlyMemory<byte>> GetAsync(string? sid, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = CreateRequest(HttpMethod.Get, BuildUri(webSocket: false, sid));
        using HttpResponseMessage response = await _http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "GET", cancellationToken).ConfigureAwait(false);
        return await ReadBodyAsync(response, _options.MaxReceiveSize, cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string method, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? body = null;
        try
        {
            ReadOnlyMemory<byte> bytes = await ReadBodyAsync(response, MaxErrorBodyChars, cancellationToken, truncate: true).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(bytes.Span);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or EngineIOProtocolException)
        {
            // The status says enough.
        }

        int status = (int)response.StatusCode;
        throw new EngineIOClientException($"The server answered the polling {method} with HTTP {status}{(string.IsNullOrEmpty(body) ? "" : ": " + body)}.", status, body);
    }

    /// <summary>Reads a response body of at most <paramref name="limit"/> bytes, never buffering more than that (plus one byte).</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken, bool truncate = false)
    {
        long? length = response.Content.Headers.ContentLength;
        if (length > limit && !truncate)
        {
            throw new EngineIOProtocolException($"a polling payload of {length} bytes is larger than {limit} bytes (EngineIOClientOptions.MaxReceiveSize)");
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[length is { } known && known <= limit ? Math.Max(1, (int)known + 1) : Math.Min(limit + 1, 16 * 1024)];
            int count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        if (truncate)
                        {
                            return buffer.AsMemory(0, limit);
                        }

                        throw new EngineIOProtocolException($"a polling payload is larger than {limit} bytes (EngineIOClientOptions.MaxReceiveSize)");
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)limit + 1, buffer.Length * 2L));
                }

                int read = await stream.ReadAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsMemory(0, count);
                }

                count += read;
            }
        }
    }

    /// <summary>Posts a close packet (<c>1</c>) within one second, then disposes <paramref name="http"/>.</summary>
    private async Task SayGoodbyeAsync(HttpClient http)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            using HttpRequestMessage request = CreateRequest(HttpMethod.Post, BuildUri(webSocket: false, _handshake!.Sid));
            request.Content = new ReadOnlyMemoryContent(ClosePayload);
            request.Content.Headers.ContentType = TextPlain;
            using HttpResponseMessage response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server will notice at its ping timeout.
        }
        finally
        {
            http.Dispose();
        }
    }

    /// <summary>Keeps one GET in flight until the session ends or the upgrade pauses polling.</summary>
    private async Task PollLoopAsync()
    {
        CancellationToken token = _lifetime.Token;
        try
        {
            if (!ProcessPayload(_handshakeRest))
            {
                return;
            }

            _handshakeRest = ReadOnlyMemory<byte>.Empty;
            while (true)
            {
                lock (_gate)
                {
                    if (!IsRunningLocked || _upgrade is UpgradeState.Switching or UpgradeState.Upgraded)
                    {
                        return;
                    }
                }

                ReadOnlyMemory<byte> payload = await GetAsync(_handshake!.Sid, token).ConfigureAwait(false);
                if (!ProcessPayload(payload))
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            OnTransportFailure(e);
        }
    }

    /// <summary>Handles every packet of a polling payload, in order.</summary>
    /// <returns><see langword="false"/> when the session ended.</returns>
    private bool ProcessPayload(ReadOnlyMemory<byte> payload)
    {
        while (EngineIOPayload.TryReadPacket(ref payload, out EngineIOPayloadPacket packet))
        {
            if (!HandlePacket(packet))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Maps a failure of a loop to the close reason of the official client.</summary>
    private void OnTransportFailure(Exception e)
    {
        if (_lifetime.IsCancellationRequested)
        {
            // The session is closing; the failure is a consequence.
            return;
        }

        switch (e)
        {
            case EngineIOProtocolException:
                Terminate(EngineIOCloseReason.ParseError.Reason, e);
                break;
            case WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely }:
                Terminate(EngineIOCloseReason.TransportClose.Reason, e);
                break;
            default:
                Terminate(EngineIOCloseReason.TransportError.Reason, e);
                break;
        }
    }

    /// <summary>The only writer: drains the queue to the current transport, one POST or one WebSocket batch at a time.</summary>
    private async Task WriteLoopAsync()
    {
        CancellationToken token = _lifetime.Token;
        var batch = new List<OutgoingPacket>();
        try
        {
            while (await _wake.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                while (true)
                {
                    await _writeMutex.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        ClientWebSocket? webSocket;
                        lock (_gate)
                        {
                            if (!IsRunningLocked || _queue.Count == 0)
                            {
                                break;
                            }

                            webSocket = _transport == EngineIOProtocol.WebSocketTransport ? _webSocket : null;
                            TakeBatch(batch, webSocket is null ? MaxPayload : int.MaxValue);
                            _writing = true;
                        }

                        foreach (OutgoingPacket packet in batch)
                        {
                            Observe(outgoing: true, packet.Type, packet.Data, packet.IsBinary);
                        }

                        if (webSocket is null)
                        {
                            await PostAsync(batch, token).ConfigureAwait(false);
                        }
                        else
                        {
                            await WriteWebSocketAsync(webSocket, batch, token).ConfigureAwait(false);
                        }

                        if (batch[^1].Type == EngineIOPacketType.Close)
                        {
                            _closeWritten.TrySetResult();
                            return;
                        }
                    }
                    finally
                    {
                        lock (_gate)
                        {
                            _writing = false;
                        }

                        batch.Clear();
                        _writeMutex.Release();
                    }
                }
            }
        }
        catch (Exception e)
        {
            OnTransportFailure(e);
        }
    }

    /// <summary>
    /// Moves packets from the queue to <paramref name="batch"/>: for polling, as many as fit in the server's
    /// maxPayload (at least one); nothing after a close packet.
    /// </summary>
    private void TakeBatch(List<OutgoingPacket> batch, int maxPayload)
    {
        long size = 0;
        while (_queue.TryPeek(out OutgoingPacket packet))
        {
            // The separator, then the type digit and the data, or "b" and base64.
            long packetSize = 1 + 1 + (packet.IsBinary ? Base64.GetMaxEncodedToUtf8Length(packet.Data.Length) : packet.Data.Length);
            if (batch.Count > 0 && size + packetSize > maxPayload)
            {
                break;
            }

            _queue.Dequeue();
            _queuedBytes -= packet.Data.Length;
            size += packetSize;
            batch.Add(packet);
            if (packet.Type == EngineIOPacketType.Close)
            {
                break;
            }
        }
    }

    private async Task PostAsync(List<OutgoingPacket> batch, CancellationToken cancellationToken)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        for (int i = 0; i < batch.Count; i++)
        {
            OutgoingPacket packet = batch[i];
            EngineIOPayload.WritePacket(writer, i == 0, packet.Type, packet.Data.Span, packet.IsBinary);
        }

        using HttpRequestMessage request = CreateRequest(HttpMethod.Post, BuildUri(webSocket: false, _handshake!.Sid));
        request.Content = new ReadOnlyMemoryContent(writer.WrittenMemory);
        request.Content.Headers.ContentType = TextPlain;
        using HttpResponseMessage response = await _http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "POST", cancellationToken).ConfigureAwait(false);
    }
}
