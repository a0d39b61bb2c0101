using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.EngineIO;

/// <summary>
/// One Engine.IO v4 client session: handshake over HTTP long-polling (then the upgrade to WebSocket) or directly
/// over WebSocket, heartbeat, an ordered send queue, and one close. The layer above sees only messages
/// (<see cref="IEngineIOClientHandler"/>) and <see cref="TrySend(EngineIOMessage)"/>.
/// </summary>
/// <remarks>
/// <para>The engine session of the JavaScript client's split (engine.io-client's <c>Socket</c>): its states are
/// <see cref="SessionState"/>, its upgrade's <see cref="UpgradeState"/>, each changed in one <c>TransitionLocked</c>.</para>
/// <para>Ordering: one writer loop drains the queue to the current transport (one POST or one WebSocket write at a
/// time); one reader (the GET loop, then the WebSocket loop after an upgrade) delivers packets. The upgrade
/// takes the writer's lock (waiting for the POST in flight) and waits for the GET in flight to end before it
/// sends <c>5</c> and switches, so nothing is lost or reordered.</para>
/// <para>Threading: <see cref="TrySend(EngineIOMessage)"/> and the getters are thread-safe and never block on I/O. The
/// handler is called on the session's own threads (the reader, the writer for outgoing packets, the upgrade task, the
/// ping timer for a ping timeout), one call at a time under the delivery lock, never under the state lock
/// (<c>_gate</c>), so the handler may call <see cref="TrySend(EngineIOMessage)"/>; it must not wait for
/// <see cref="CloseAsync"/>.</para>
/// </remarks>
internal sealed partial class EngineIOClientSession : IAsyncDisposable
{
    private readonly EngineIOClientOptions _options;
    private readonly IEngineIOClientHandler _handler;
    private readonly ILogger _logger;
    private readonly string _path;

    // _gate guards the state, the queue and the transport; _deliverGate serializes handler calls.
    private readonly Lock _gate = new();
    private readonly Lock _deliverGate = new();
    private readonly Queue<OutgoingPacket> _queue = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _writeMutex = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closeWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SessionState _state;
    private UpgradeState _upgrade;
    private bool _writing;
    private long _queuedBytes;
    private EngineIOClientHandshake? _handshake;
    private string _transport = EngineIOProtocol.PollingTransport;
    private HttpClient? _http;
    private ClientWebSocket? _webSocket;
    private Timer? _pingTimer;
    private ReadOnlyMemory<byte> _handshakeRest;
    private Task _pollLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _upgradeTask = Task.CompletedTask;
    private Task _goodbye = Task.CompletedTask;

    /// <summary>Creates a session; nothing is sent before <see cref="OpenAsync"/>.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="handler">Receives messages and the close.</param>
    /// <param name="logger">The logger.</param>
    public EngineIOClientSession(EngineIOClientOptions options, IEngineIOClientHandler handler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(options.ServerUri);
        if (options.ServerUri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            throw new ArgumentException("The server URI must use http, https, ws or wss.", nameof(options));
        }

        if (!options.AllowPolling && !options.AllowWebSocket)
        {
            throw new ArgumentException("At least one transport must be allowed.", nameof(options));
        }

        _options = options;
        _handler = handler;
        _logger = logger;
        string path = string.IsNullOrEmpty(options.Path) ? "/" : options.Path;
        path = path.StartsWith('/') ? path : "/" + path;
        path = path.TrimEnd('/');
        _path = options.AddTrailingSlash || path.Length == 0 ? path + "/" : path;
    }

    /// <summary>
    /// The states of the session (the official engine's <c>readyState</c>: <c>opening</c>, <c>open</c>, <c>closing</c>,
    /// <c>closed</c>, plus the session not yet opened). They change in <see cref="TransitionLocked(SessionState)"/> only.
    /// </summary>
    /// <remarks>
    /// <code>
    /// Created ──OpenAsync──▶ Opening ──handshake──▶ Open ──CloseAsync──▶ Closing ──close written (or CloseTimeout)──▶ Closed
    ///    │                      │                     │                     └──transport failure──────────────────▶ Closed
    ///    │                      │                     └──server close, ping timeout, transport or parse error──────▶ Closed
    ///    └──────────────────────┴──CloseAsync, failed handshake (no OnClose)────────────────────────────────────────▶ Closed
    /// </code>
    /// </remarks>
    private enum SessionState
    {
        /// <summary>Made, nothing sent.</summary>
        Created,

        /// <summary>The handshake is in progress. Messages queued now are written once open.</summary>
        Opening,

        /// <summary>Open: the loops read and write; the transport is polling or WebSocket (see <see cref="UpgradeState"/>).</summary>
        Open,

        /// <summary>Closing on purpose: the queue and the close packet are being written; reads are still delivered; nothing new is queued.</summary>
        Closing,

        /// <summary>Ended: the loops stopped, the transport is released; <see cref="IEngineIOClientHandler.OnClose"/> was called if it was open.</summary>
        Closed,
    }

    /// <summary>
    /// The upgrade of a polling session to WebSocket (the official engine's <c>upgrading</c> and its probe). Changes in
    /// <see cref="TransitionLocked(UpgradeState)"/> only.
    /// </summary>
    /// <remarks><c>None ──offered──▶ Probing ──3probe──▶ Switching ──5 sent──▶ Upgraded</c>; a failed probe goes to <c>Failed</c> (polling goes on).</remarks>
    private enum UpgradeState
    {
        /// <summary>No upgrade started: a WebSocket session, a polling one without the upgrade, or one not open yet.</summary>
        None,

        /// <summary>A WebSocket is opening and the <c>2probe</c>/<c>3probe</c> exchange runs beside polling.</summary>
        Probing,

        /// <summary>The probe succeeded: polling is paused (no new GET, the POST in flight ends), the queue waits for the WebSocket.</summary>
        Switching,

        /// <summary>The session runs over the WebSocket.</summary>
        Upgraded,

        /// <summary>The probe failed: the session stays on polling.</summary>
        Failed,
    }

    /// <summary>The one place where the session's state changes (under <c>_gate</c>).</summary>
    /// <param name="to">The new state.</param>
    /// <exception cref="InvalidOperationException">The edge does not exist (a bug of the session, never the server's doing).</exception>
    private void TransitionLocked(SessionState to)
    {
        SessionState from = _state;
        bool exists = (from, to) switch
        {
            (SessionState.Created, SessionState.Opening) => true,
            (SessionState.Opening, SessionState.Open) => true,
            (SessionState.Open, SessionState.Closing) => true,
            (not SessionState.Closed, SessionState.Closed) => true,
            _ => false,
        };
        if (!exists)
        {
            throw new InvalidOperationException($"The Engine.IO session cannot go from {from} to {to}.");
        }

        _state = to;
    }

    /// <summary>The one place where the upgrade's state changes (under <c>_gate</c>).</summary>
    /// <param name="to">The new state.</param>
    /// <exception cref="InvalidOperationException">The edge does not exist.</exception>
    private void TransitionLocked(UpgradeState to)
    {
        UpgradeState from = _upgrade;
        bool exists = (from, to) switch
        {
            (UpgradeState.None, UpgradeState.Probing) => true,
            (UpgradeState.Probing, UpgradeState.Switching or UpgradeState.Failed) => true,
            (UpgradeState.Switching, UpgradeState.Upgraded) => true,
            _ => false,
        };
        if (!exists)
        {
            throw new InvalidOperationException($"The upgrade cannot go from {from} to {to}.");
        }

        _upgrade = to;
    }

    /// <summary>Whether the session delivers what it reads and answers pings: open, or closing on purpose (as the official engine in <c>closing</c>).</summary>
    private bool IsRunningLocked => _state is SessionState.Open or SessionState.Closing;

    /// <summary>The session id, once the handshake is done.</summary>
    public string? Sid => _handshake?.Sid;

    /// <summary>The current transport: <c>polling</c> or <c>websocket</c>.</summary>
    public string Transport
    {
        get
        {
            lock (_gate)
            {
                return _transport;
            }
        }
    }

    /// <summary>The largest polling payload the server accepts (its <c>maxPayload</c>), once the handshake is done.</summary>
    public int MaxPayload => _handshake?.MaxPayload ?? EngineIOClientHandshake.DefaultMaxPayload;

    /// <summary>The handshake, once done.</summary>
    internal EngineIOClientHandshake? Handshake => _handshake;

    /// <summary>
    /// Whether the transport is writable: the session is open and no write is in flight on it (no POST, no WebSocket
    /// write). As the official client's <c>transport.writable</c>, it stays true while an upgrade pauses the queue:
    /// a volatile packet sent then waits in the queue and goes out over the WebSocket once the upgrade is done.
    /// </summary>
    public bool IsWritableNow
    {
        get
        {
            lock (_gate)
            {
                return _state == SessionState.Open && !_writing;
            }
        }
    }

    /// <summary>The number of packets queued and not yet handed to the transport (the official client's <c>writeBuffer.length</c>).</summary>
    public int WriteBufferLength
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Completes when the session has closed (after <see cref="IEngineIOClientHandler.OnClose"/> returned).</summary>
    internal Task Closed => _closed.Task;

    /// <summary>
    /// Opens the session: the handshake over polling (or over WebSocket when polling is not allowed), then the
    /// upgrade to WebSocket in the background when allowed and offered.
    /// </summary>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>Completes when the session is open.</returns>
    /// <exception cref="EngineIOClientException">The server refused the handshake or answered with something that is not Engine.IO v4.</exception>
    /// <exception cref="TimeoutException">The handshake took longer than <see cref="EngineIOClientOptions.ConnectTimeout"/>.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state != SessionState.Created)
            {
                throw new InvalidOperationException("OpenAsync can be called once, on a new session.");
            }

            TransitionLocked(SessionState.Opening);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            if (_options.AllowPolling)
            {
                _http = CreateHttpClient();
                await HandshakePollingAsync(timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await HandshakeWebSocketAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Read before Abandon, which cancels the lifetime: only the timeout makes a TimeoutException.
            bool closedMeanwhile = _lifetime.IsCancellationRequested;
            Abandon();
            if (e is OperationCanceledException && !cancellationToken.IsCancellationRequested && !closedMeanwhile)
            {
                throw new TimeoutException($"The Engine.IO handshake took longer than {_options.ConnectTimeout} (EngineIOClientOptions.ConnectTimeout).", e);
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            throw e switch
            {
                EngineIOClientException => e,
                EngineIOProtocolException => new EngineIOClientException("The server's Engine.IO handshake is not valid: " + e.Message, e),
                WebSocketException ws => new EngineIOClientException("The WebSocket handshake failed: " + ws.Message, null, null, e),
                _ => new EngineIOClientException("The Engine.IO handshake failed: " + e.Message, e),
            };
        }

        EngineIOClientHandshake handshake = _handshake!;
        bool upgrade;
        lock (_gate)
        {
            if (_state != SessionState.Opening)
            {
                // Closed while opening.
                Abandon();
                throw new OperationCanceledException("The session was closed while it opened.");
            }

            TransitionLocked(SessionState.Open);
            _pingTimer = new Timer(static s => ((EngineIOClientSession)s!).OnPingTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ResetPingTimeout();
            upgrade = _transport == EngineIOProtocol.PollingTransport && _options.Upgrade && _options.AllowWebSocket
                && handshake.Upgrades.Contains(EngineIOProtocol.WebSocketTransport);
            if (upgrade)
            {
                TransitionLocked(UpgradeState.Probing);
            }
        }

        EngineIOClientLog.Opened(_logger, handshake.Sid, _transport, (long)handshake.PingInterval.TotalMilliseconds, (long)handshake.PingTimeout.TotalMilliseconds, handshake.MaxPayload);
        _writeLoop = Task.Run(WriteLoopAsync, CancellationToken.None);
        if (_transport == EngineIOProtocol.PollingTransport)
        {
            _pollLoop = Task.Run(PollLoopAsync, CancellationToken.None);
            if (upgrade)
            {
                _upgradeTask = Task.Run(UpgradeAsync, CancellationToken.None);
            }
        }
        else
        {
            _receiveLoop = Task.Run(() => ReceiveLoopAsync(_webSocket!, _handshakeBuffer!), CancellationToken.None);
        }

        Wake();
    }

    /// <summary>Queues one message; messages are written in the order they were queued.</summary>
    /// <param name="message">The message. Its bytes must not change afterwards.</param>
    /// <returns><see langword="false"/> when the session is closed or closing.</returns>
    public bool TrySend(EngineIOMessage message) => TrySend(new ReadOnlySpan<EngineIOMessage>(in message));

    /// <summary>Queues several messages atomically: they are written consecutively (a binary Socket.IO packet and its attachments).</summary>
    /// <param name="messages">The messages. Their bytes must not change afterwards.</param>
    /// <returns><see langword="false"/> when the session is closed or closing.</returns>
    public bool TrySend(ReadOnlySpan<EngineIOMessage> messages)
    {
        bool overflow = false;
        lock (_gate)
        {
            if (_state is SessionState.Closing or SessionState.Closed)
            {
                return false;
            }

            long bytes = 0;
            foreach (EngineIOMessage message in messages)
            {
                bytes += message.Data.Length;
            }

            if (_queuedBytes + bytes > _options.MaxOutgoingBufferSize)
            {
                overflow = true;
            }
            else
            {
                foreach (EngineIOMessage message in messages)
                {
                    _queue.Enqueue(new OutgoingPacket(EngineIOPacketType.Message, message.Data, message.IsBinary));
                }

                _queuedBytes += bytes;
            }
        }

        if (overflow)
        {
            EngineIOClientLog.OutgoingBufferFull(_logger, Sid, _options.MaxOutgoingBufferSize);
            Terminate(EngineIOCloseReason.TransportError.Reason, new EngineIOClientException(
                $"More than {_options.MaxOutgoingBufferSize} bytes are queued (EngineIOClientOptions.MaxOutgoingBufferSize)."));
            return false;
        }

        Wake();
        return true;
    }

    /// <summary>
    /// Closes the session: writes what is queued and a close packet (waiting at most
    /// <see cref="EngineIOClientOptions.CloseTimeout"/>), then calls <see cref="IEngineIOClientHandler.OnClose"/> with <c>forced close</c>.
    /// Do not block on it inside a handler call.
    /// </summary>
    /// <returns>Completes when the session is closed.</returns>
    public async Task CloseAsync()
    {
        bool neverOpened = false;
        bool closeSent = false;
        lock (_gate)
        {
            switch (_state)
            {
                case SessionState.Created:
                case SessionState.Opening:
                    // Never opened: no OnClose; an OpenAsync in progress fails.
                    neverOpened = true;
                    TransitionLocked(SessionState.Closed);
                    break;
                case SessionState.Open:
                    TransitionLocked(SessionState.Closing);
                    closeSent = true;
                    _queue.Enqueue(new OutgoingPacket(EngineIOPacketType.Close, ReadOnlyMemory<byte>.Empty, false));
                    break;
                default:
                    break;
            }
        }

        if (neverOpened)
        {
            Abandon();
            return;
        }

        if (!closeSent)
        {
            // Closing or closed already: wait for that close.
            await _closed.Task.ConfigureAwait(false);
            return;
        }

        Wake();
        try
        {
            await _closeWritten.Task.WaitAsync(_options.CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The transport is stuck; close anyway.
        }

        Terminate(EngineIOCloseReason.ForcedClose.Reason, null);
        await _closed.Task.ConfigureAwait(false);
    }

    /// <summary>Closes the session (as <see cref="CloseAsync"/>) and releases its resources.</summary>
    /// <returns>Completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        Task all = Task.WhenAll(_pollLoop, _writeLoop, _receiveLoop, _upgradeTask, _goodbye);
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A loop ignored cancellation; it ends on its own when its socket is disposed.
        }
        catch (Exception)
        {
            // Loops report their errors through OnClose.
        }

        _lifetime.Dispose();
        _writeMutex.Dispose();
    }

    /// <summary>Handles one packet read from the server (over either transport).</summary>
    /// <returns><see langword="false"/> when the session ended.</returns>
    private bool HandlePacket(in EngineIOPayloadPacket packet)
    {
        if (packet.Type != EngineIOPacketType.Message)
        {
            Observe(outgoing: false, packet.Type, packet.Data, isBinary: false);
        }

        switch (packet.Type)
        {
            case EngineIOPacketType.Ping:
                // v4: the server pings, the client answers; the timer waits pingInterval + pingTimeout for the next one.
                ResetPingTimeout();
                EnqueueControl(EngineIOPacketType.Pong);
                return true;
            case EngineIOPacketType.Close:
                Terminate(EngineIOCloseReason.TransportClose.Reason, null);
                return false;
            case EngineIOPacketType.Message when packet.IsBase64Binary:
                byte[] data = EngineIOPayload.DecodeBase64(packet.Data.Span);
                DeliverBinary(data);
                return IsOpen;
            case EngineIOPacketType.Message:
                DeliverText(packet.Data);
                return IsOpen;
            default:
                // open (only at the handshake), pong (only "3probe"), upgrade and noop carry nothing for the layer above.
                return true;
        }
    }

    private bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return IsRunningLocked;
            }
        }
    }

    private void DeliverText(ReadOnlyMemory<byte> utf8)
    {
        lock (_deliverGate)
        {
            if (!IsOpen)
            {
                return;
            }

            Observe(outgoing: false, EngineIOPacketType.Message, utf8, isBinary: false);
            try
            {
                _handler.OnText(utf8);
            }
            catch (Exception e)
            {
                EngineIOClientLog.HandlerFailed(_logger, Sid, e);
            }
        }
    }

    private void DeliverBinary(ReadOnlyMemory<byte> data)
    {
        lock (_deliverGate)
        {
            if (!IsOpen)
            {
                return;
            }

            Observe(outgoing: false, EngineIOPacketType.Message, data, isBinary: true);
            try
            {
                _handler.OnBinary(data);
            }
            catch (Exception e)
            {
                EngineIOClientLog.HandlerFailed(_logger, Sid, e);
            }
        }
    }

    /// <summary>Tells the handler of a packet read or handed to the transport, when it observes packets (under the delivery lock).</summary>
    private void Observe(bool outgoing, EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
    {
        if (!_handler.ObservesPackets)
        {
            return;
        }

        lock (_deliverGate)
        {
            try
            {
                _handler.OnPacket(outgoing, type, data, isBinary);
            }
            catch (Exception e)
            {
                EngineIOClientLog.HandlerFailed(_logger, Sid, e);
            }
        }
    }

    /// <summary>Tells the handler of an upgrade step (under the delivery lock, so never during another handler call).</summary>
    private void NotifyUpgrade(bool done)
    {
        lock (_deliverGate)
        {
            if (!IsOpen)
            {
                return;
            }

            try
            {
                if (done)
                {
                    _handler.OnUpgraded(EngineIOProtocol.WebSocketTransport);
                }
                else
                {
                    _handler.OnUpgrading(EngineIOProtocol.WebSocketTransport);
                }
            }
            catch (Exception e)
            {
                EngineIOClientLog.HandlerFailed(_logger, Sid, e);
            }
        }
    }

    private void EnqueueControl(EngineIOPacketType type)
    {
        lock (_gate)
        {
            if (!IsRunningLocked)
            {
                return;
            }

            _queue.Enqueue(new OutgoingPacket(type, ReadOnlyMemory<byte>.Empty, false));
        }

        Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void ResetPingTimeout()
    {
        EngineIOClientHandshake? handshake = _handshake;
        if (handshake is not null)
        {
            try
            {
                _pingTimer?.Change(handshake.PingInterval + handshake.PingTimeout, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile.
            }
        }
    }

    private void OnPingTimeout() => Terminate(EngineIOCloseReason.PingTimeout.Reason, null);

    /// <summary>Ends an open session once: stops the loops and timers, releases the sockets, then calls OnClose.</summary>
    private void Terminate(string reason, Exception? error)
    {
        lock (_gate)
        {
            SessionState from = _state;
            if (from is not (SessionState.Open or SessionState.Closing))
            {
                if (from is SessionState.Created or SessionState.Opening)
                {
                    TransitionLocked(SessionState.Closed);
                }

                return;
            }

            TransitionLocked(SessionState.Closed);
            _queue.Clear();
            _queuedBytes = 0;
            if (from == SessionState.Closing)
            {
                // A failure while closing on purpose is still the close the user asked for.
                reason = EngineIOCloseReason.ForcedClose.Reason;
                error = null;
            }
        }

        EngineIOClientLog.Closed(_logger, Sid, reason, error);

        // As the official client, a polling session closed by the client tells the server with a close packet
        // (a forced close has sent it already; after "transport close" the server is gone), so that the server
        // does not wait for its ping timeout. Best effort, bounded, on the session's own HttpClient.
        HttpClient? goodbye = null;
        lock (_gate)
        {
            if (_transport == EngineIOProtocol.PollingTransport && _http is not null && _handshake is not null
                && reason != EngineIOCloseReason.ForcedClose.Reason && reason != EngineIOCloseReason.TransportClose.Reason)
            {
                goodbye = _http;
                _http = null;
            }
        }

        ReleaseResources();
        if (goodbye is not null)
        {
            _goodbye = SayGoodbyeAsync(goodbye);
        }

        _closeWritten.TrySetResult();
        lock (_deliverGate)
        {
            try
            {
                _handler.OnClose(reason, error);
            }
            catch (Exception e)
            {
                EngineIOClientLog.HandlerFailed(_logger, Sid, e);
            }
        }

        _closed.TrySetResult();
    }

    /// <summary>Releases everything of a session that never opened (no OnClose).</summary>
    private void Abandon()
    {
        lock (_gate)
        {
            if (_state != SessionState.Closed)
            {
                TransitionLocked(SessionState.Closed);
            }
        }

        ReleaseResources();
        _closed.TrySetResult();
    }

    private void ReleaseResources()
    {
        try
        {
            _lifetime.Cancel();
        }
        catch (AggregateException)
        {
            // A cancellation callback threw; the loops end anyway.
        }
        catch (ObjectDisposedException)
        {
            // Disposed already.
        }

        _pingTimer?.Dispose();
        ClientWebSocket? webSocket;
        lock (_gate)
        {
            webSocket = _webSocket;
        }

        webSocket?.Abort();
        webSocket?.Dispose();
        _http?.Dispose();
        _wake.Writer.TryComplete();
    }

    private Uri BuildUri(bool webSocket, string? sid)
    {
        Uri server = _options.ServerUri;
        bool secure = server.Scheme is "https" or "wss";
        var builder = new StringBuilder(128);
        builder.Append(webSocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http"))
            .Append("://").Append(server.Authority).Append(_path)
            .Append("?EIO=").Append(EngineIOProtocol.Version.ToString(CultureInfo.InvariantCulture))
            .Append("&transport=").Append(webSocket ? EngineIOProtocol.WebSocketTransport : EngineIOProtocol.PollingTransport);
        if (sid is not null)
        {
            builder.Append("&sid=").Append(Uri.EscapeDataString(sid));
        }

        // Cache busting as the official client: polling requests by default, the WebSocket handshake when asked.
        bool timestamp = _options.TimestampRequests ?? !webSocket;
        if (timestamp)
        {
            builder.Append('&').Append(Uri.EscapeDataString(_options.TimestampParam)).Append('=').Append(RandomTimestamp());
        }

        foreach (KeyValuePair<string, string> parameter in _options.Query)
        {
            if (parameter.Key is "EIO" or "transport" or "sid" || (timestamp && parameter.Key == _options.TimestampParam))
            {
                continue;
            }

            builder.Append('&').Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value ?? string.Empty));
        }

        return new Uri(builder.ToString());
    }

    /// <summary>A cache-busting value as the official client makes one: the time in base 36 and three random base-36 digits.</summary>
    private static string RandomTimestamp()
    {
        const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> text = stackalloc char[16];
        int length = 0;
        for (long ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(); ms > 0 && length < 13; ms /= 36)
        {
            text[length++] = Digits[(int)(ms % 36)];
        }

        text[..length].Reverse();
        int start = Math.Min(3, length);
        for (int i = 0; i < 3; i++)
        {
            text[length++] = Digits[Random.Shared.Next(36)];
        }

        return new string(text[start..length]);
    }

    /// <summary>A packet waiting in the send queue.</summary>
    private readonly record struct OutgoingPacket(EngineIOPacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary);
}
