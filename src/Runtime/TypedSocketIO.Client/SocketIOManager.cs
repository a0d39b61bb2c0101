using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <summary>
/// One Engine.IO connection to a server, shared by the clients of several namespaces (multiplexing), with the
/// reconnection policy: the JavaScript client's <c>Manager</c>. <see cref="SocketIOClient.Create(Uri, SocketIOClientOptions?)"/>
/// reuses a manager per origin and path; <see cref="Create"/> makes a private one.
/// </summary>
/// <remarks>
/// The connection opens when a client connects, and closes when no client of the manager is active any more.
/// States: closed, opening (one handshake, bounded by <see cref="SocketIOClientOptions.ConnectTimeout"/>), open; after a
/// lost connection or a failed attempt, closed with a reconnection scheduled (<see cref="IsReconnecting"/>) until an
/// attempt succeeds or <see cref="SocketIOClientOptions.ReconnectionAttempts"/> run out (<see cref="ReconnectFailed"/>;
/// a client's next <see cref="SocketIOClient.ConnectAsync"/> starts again). Thread-safe. The manager's events and those
/// of its clients run on one queue, one after the other in the order they happened (for a failed attempt:
/// <c>ConnectError</c>, then <see cref="ReconnectFailed"/> if it was the last, then <see cref="ReconnectError"/>, as the
/// JavaScript manager), outside the manager's lock; see <see cref="SocketIOClient"/> for the threading model.
/// </remarks>
public sealed class SocketIOManager : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, SocketIOManager> Cache = new(StringComparer.Ordinal);

    private readonly Dictionary<string, SocketIOClient> _clients = new(StringComparer.Ordinal);
    private readonly EngineConnectionFactory _factory;
    private readonly Backoff _backoff;
    private static readonly SocketIOParserOptions ParserLimits = new();
    private readonly SocketIOPacketDecoder _decoder = new();
    private readonly SerialDispatcher _events;
    private readonly string? _cacheKey;

    private IEngineConnection? _engine;
    private EngineHandler? _handler;
    private ReadyState _state;
    private bool _reconnecting;
    private bool _skipReconnect;
    private bool _disposed;
    private bool _priorWebSocketSuccess;
    private string? _closeReasonOverride;
    private CancellationTokenSource? _reconnectTimer;

    internal SocketIOManager(Uri serverUri, SocketIOClientOptions options, EngineConnectionFactory? factory = null, string? cacheKey = null, Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ServerUri = serverUri;
        Options = options;
        _factory = factory ?? EngineSessionConnection.Create;
        _cacheKey = cacheKey;
        Logger = options.LoggerFactory?.CreateLogger("TypedSocketIO.Client") ?? NullLogger.Instance;
        _backoff = new Backoff(options.ReconnectionDelay, options.ReconnectionDelayMax, options.RandomizationFactor, random);
        _events = new SerialDispatcher(Logger);
        Engine = new SocketIOClientEngine(this);
    }

    /// <summary>The manager's state (the JavaScript manager's <c>_readyState</c>); reconnecting is <see cref="_reconnecting"/> on top of it.</summary>
    private enum ReadyState
    {
        /// <summary>No connection: none was asked for, the last one ended, or an attempt failed (a reconnection may be scheduled).</summary>
        Closed,

        /// <summary>An Engine.IO handshake is in progress, bounded by <see cref="SocketIOClientOptions.ConnectTimeout"/>.</summary>
        Opening,

        /// <summary>The Engine.IO connection is open; each active client has sent (or is sending) its CONNECT.</summary>
        Open,
    }

    /// <summary>Raised before each reconnection attempt, with its number (from 1).</summary>
    public event Action<int>? ReconnectAttempt;

    /// <summary>Raised when a reconnection succeeded, with the number of attempts it took.</summary>
    public event Action<int>? Reconnected;

    /// <summary>Raised when a reconnection attempt failed, with the reason.</summary>
    public event Action<Exception>? ReconnectError;

    /// <summary>Raised when <see cref="SocketIOClientOptions.ReconnectionAttempts"/> attempts all failed; no more are made.</summary>
    public event Action? ReconnectFailed;

    /// <summary>The Engine.IO connection under this manager (the JavaScript client's <c>socket.io.engine</c>): id, transport, upgrade, packets.</summary>
    public SocketIOClientEngine Engine { get; }

    /// <summary>The server's origin (scheme, host and port).</summary>
    public Uri ServerUri { get; }

    /// <summary>The options of the connection (those of the client that created the manager).</summary>
    public SocketIOClientOptions Options { get; }

    /// <summary>Whether the Engine.IO connection is open.</summary>
    public bool IsOpen
    {
        get
        {
            lock (Gate)
            {
                return _state == ReadyState.Open;
            }
        }
    }

    /// <summary>Whether the manager is waiting to reconnect or reconnecting.</summary>
    public bool IsReconnecting
    {
        get
        {
            lock (Gate)
            {
                return _reconnecting;
            }
        }
    }

    /// <summary>The lock of the manager and of its clients.</summary>
    internal object Gate { get; } = new();

    internal ILogger Logger { get; }

    /// <summary>The one event queue of the manager and its clients: every event of both keeps the order it happened in.</summary>
    internal SerialDispatcher Events => _events;

    /// <summary>The current Engine.IO connection when open (under <see cref="Gate"/>).</summary>
    internal IEngineConnection? OpenEngine => _state == ReadyState.Open ? _engine : null;

    /// <summary>Creates a manager of its own (never cached) for a server.</summary>
    /// <param name="serverUri">The server's address; only its scheme, host and port are used.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The manager; get clients with <see cref="Socket(string)"/>.</returns>
    public static SocketIOManager Create(Uri serverUri, SocketIOClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        return new SocketIOManager(GetOrigin(serverUri), options ?? new SocketIOClientOptions());
    }

    /// <summary>
    /// The client of a namespace on this connection: the same instance for the same namespace, created on first use
    /// with the manager's options.
    /// </summary>
    /// <param name="namespace">The namespace, e.g. <c>/</c> or <c>/admin</c>.</param>
    /// <returns>The client (not connected yet: call <see cref="SocketIOClient.ConnectAsync"/>).</returns>
    public SocketIOClient Socket(string @namespace) => Socket(@namespace, Options);

    /// <summary>Closes the connection, disconnects every client and stops reconnecting.</summary>
    /// <returns>A task that completes when the connection and the event queue are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        SocketIOClient[] clients;
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            clients = [.. _clients.Values];
        }

        foreach (SocketIOClient client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        Task? close;
        lock (Gate)
        {
            close = CloseLocked();
        }

        if (close is not null)
        {
            await close.ConfigureAwait(false);
        }

        if (_cacheKey is not null)
        {
            Cache.TryRemove(new KeyValuePair<string, SocketIOManager>(_cacheKey, this));
        }

        await _events.CompleteAsync().ConfigureAwait(false);
    }

    internal static SocketIOManager Lookup(Uri uri, SocketIOClientOptions options, string @namespace, EngineConnectionFactory? factory)
    {
        Uri origin = GetOrigin(uri);
        if (options.ForceNew || !options.Multiplex)
        {
            return new SocketIOManager(origin, options, factory);
        }

        string key = origin.GetLeftPart(UriPartial.Authority) + "|" + options.Path;
        while (true)
        {
            if (Cache.TryGetValue(key, out SocketIOManager? cached))
            {
                lock (cached.Gate)
                {
                    if (!cached._disposed && !cached._clients.ContainsKey(@namespace))
                    {
                        return cached;
                    }

                    if (!cached._disposed)
                    {
                        // The same namespace twice: a new connection, as the JavaScript client's io() does.
                        return new SocketIOManager(origin, options, factory);
                    }
                }

                Cache.TryRemove(new KeyValuePair<string, SocketIOManager>(key, cached));
                continue;
            }

            var created = new SocketIOManager(origin, options, factory, key);
            if (Cache.TryAdd(key, created))
            {
                return created;
            }
        }
    }

    internal SocketIOClient Socket(string @namespace, SocketIOClientOptions clientOptions)
    {
        string nsp = NormalizeNamespace(@namespace);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_clients.TryGetValue(nsp, out SocketIOClient? client))
            {
                client = new SocketIOClient(this, nsp, clientOptions);
                _clients.Add(nsp, client);
            }

            return client;
        }
    }

    /// <summary>
    /// A client asks to connect (JS <c>socket.connect()</c>): open the connection unless it is open, opening or waiting to
    /// reconnect, or send the client's CONNECT at once if it is open and the client was not active yet. After the
    /// reconnection gave up (<see cref="ReconnectFailed"/>) the state is closed, so this starts a fresh attempt.
    /// </summary>
    internal void ActivateLocked(SocketIOClient client, bool newlyActive)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _skipReconnect = false;
        if (_state == ReadyState.Open)
        {
            if (newlyActive)
            {
                client.OnEngineOpenLocked();
            }
        }
        else if (_state == ReadyState.Closed && !_reconnecting)
        {
            OpenLocked();
        }
    }

    /// <summary>A client is no longer active: close the connection when it was the last one (JS <c>_destroy</c>).</summary>
    internal void DeactivatedLocked()
    {
        foreach (SocketIOClient client in _clients.Values)
        {
            if (client.IsActiveLocked)
            {
                return;
            }
        }

        _ = CloseLocked();
    }

    internal void RemoveLocked(SocketIOClient client)
    {
        if (_clients.TryGetValue(client.Namespace, out SocketIOClient? registered) && ReferenceEquals(registered, client))
        {
            _clients.Remove(client.Namespace);
        }

        if (_clients.Count == 0 && _cacheKey is not null)
        {
            // Nothing uses this connection any more: the next Create for the origin makes a fresh manager.
            _disposed = true;
            _ = CloseLocked();
            Cache.TryRemove(new KeyValuePair<string, SocketIOManager>(_cacheKey, this));
            _ = _events.CompleteAsync();
        }
    }

    internal void RaiseLocked(Action action) => _events.Post(action);

    private static Uri GetOrigin(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            throw new ArgumentException("The server address must be an absolute http, https, ws or wss URI.", nameof(uri));
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    internal static string NormalizeNamespace(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        if (@namespace.Length == 0)
        {
            return SocketIOProtocol.DefaultNamespace;
        }

        return @namespace[0] == '/' ? @namespace : "/" + @namespace;
    }

    private void OpenLocked()
    {
        _state = ReadyState.Opening;
        _closeReasonOverride = null;
        _decoder.Reset();
        var handler = new EngineHandler(this);
        IEngineConnection engine;
        try
        {
            // The official client's rememberUpgrade: after a WebSocket connection, the next one goes straight to WebSocket.
            SocketIOClientTransports transports = Options.RememberUpgrade && _priorWebSocketSuccess
                && (Options.Transports & SocketIOClientTransports.WebSocket) != 0
                ? SocketIOClientTransports.WebSocket
                : Options.Transports;
            engine = _factory(ServerUri, Options, transports, handler, Logger);
        }
        catch (Exception e)
        {
            _state = ReadyState.Closed;
            OnOpenFailedLocked(e);
            return;
        }

        _handler = handler;
        _engine = engine;
        SocketIOClientLog.Opening(Logger, ServerUri);
        _ = OpenEngineAsync(engine, handler);
    }

    private async Task OpenEngineAsync(IEngineConnection engine, EngineHandler handler)
    {
        Exception? error = null;
        try
        {
            using var timeout = new CancellationTokenSource(Options.ConnectTimeout);
            await engine.OpenAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            // The one connect timer (the official client's "timeout", whose error message is "timeout").
            error = new TimeoutException("timeout", e);
        }
#pragma warning disable CA1031 // Every failure of an attempt is reported (connect_error, ReconnectError), none thrown here.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        bool disposeEngine = false;
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                disposeEngine = true;
            }
            else if (error is not null)
            {
                _handler = null;
                _engine = null;
                _state = ReadyState.Closed;
                disposeEngine = true;
                OnOpenFailedLocked(error);
            }
            else
            {
                _state = ReadyState.Open;
                _priorWebSocketSuccess = engine.Transport == EngineIOProtocol.WebSocketTransport;
                if (_reconnecting)
                {
                    int attempts = _backoff.Attempts;
                    _reconnecting = false;
                    _backoff.Reset();
                    SocketIOClientLog.Reconnected(Logger, attempts);
                    RaiseLocked(() => Reconnected?.Invoke(attempts));
                }

                foreach (SocketIOClient client in _clients.Values)
                {
                    if (client.IsActiveLocked)
                    {
                        client.OnEngineOpenLocked();
                    }
                }
            }
        }

        if (disposeEngine)
        {
            await CloseQuietlyAsync(engine).ConfigureAwait(false);
        }
    }

    private void OnOpenFailedLocked(Exception error)
    {
        SocketIOClientLog.OpenFailed(Logger, ServerUri, error);
        _priorWebSocketSuccess = false;
        bool willRetry = Options.Reconnection && !_skipReconnect && !_disposed && _backoff.Attempts < Options.ReconnectionAttempts;
        foreach (SocketIOClient client in _clients.Values)
        {
            if (client.IsActiveLocked)
            {
                client.OnOpenFailedLocked(error, willRetry);
            }
        }

        if (_reconnecting)
        {
            // The JavaScript manager's order: the next attempt is scheduled (or reconnect_failed raised) before
            // reconnect_error, so the last failed attempt reads connect_error, reconnect_failed, reconnect_error.
            _reconnecting = false;
            ReconnectLocked();
            RaiseLocked(() => ReconnectError?.Invoke(error));
        }
        else if (Options.Reconnection && _backoff.Attempts == 0)
        {
            // As the JavaScript client: a failed first connection is retried with back-off too.
            ReconnectLocked();
        }
    }

    private void ReconnectLocked()
    {
        if (_reconnecting || _skipReconnect || _disposed || !Options.Reconnection)
        {
            return;
        }

        if (_backoff.Attempts >= Options.ReconnectionAttempts)
        {
            int attempts = _backoff.Attempts;
            _backoff.Reset();
            SocketIOClientLog.ReconnectFailed(Logger, attempts);
            foreach (SocketIOClient client in _clients.Values)
            {
                if (client.IsActiveLocked)
                {
                    client.OnReconnectFailedLocked();
                }
            }

            RaiseLocked(() => ReconnectFailed?.Invoke());
            return;
        }

        TimeSpan delay = _backoff.Next();
        int attempt = _backoff.Attempts;
        _reconnecting = true;
        SocketIOClientLog.ReconnectScheduled(Logger, attempt, delay.TotalMilliseconds);
        var timer = new CancellationTokenSource();
        _reconnectTimer = timer;
        _ = DelayThenReconnectAsync(delay, attempt, timer);
    }

    private async Task DelayThenReconnectAsync(TimeSpan delay, int attempt, CancellationTokenSource timer)
    {
        try
        {
            await Task.Delay(delay, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (Gate)
        {
            if (!ReferenceEquals(_reconnectTimer, timer))
            {
                return;
            }

            _reconnectTimer = null;
            timer.Dispose();
            if (_skipReconnect || _disposed)
            {
                _reconnecting = false;
                return;
            }

            RaiseLocked(() => ReconnectAttempt?.Invoke(attempt));
            if (_state == ReadyState.Closed)
            {
                OpenLocked();
            }
        }
    }

    /// <summary>Closes the connection on purpose: no reconnection follows (JS <c>_close</c>).</summary>
    private Task? CloseLocked()
    {
        _skipReconnect = true;
        _reconnecting = false;
        _backoff.Reset();
        if (_reconnectTimer is { } timer)
        {
            _reconnectTimer = null;
            timer.Cancel();
            timer.Dispose();
        }

        IEngineConnection? engine = _engine;
        _engine = null;
        _handler = null;
        ReadyState previous = _state;
        _state = ReadyState.Closed;
        _decoder.Reset();
        if (engine is null)
        {
            return null;
        }

        if (previous == ReadyState.Open)
        {
            NotifyClosedLocked("forced close");
        }

        return CloseQuietlyAsync(engine);
    }

    private static async Task CloseQuietlyAsync(IEngineConnection engine)
    {
        try
        {
            await engine.CloseAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Closing is best effort: the connection is gone either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        try
        {
            await engine.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void NotifyClosedLocked(string reason)
    {
        foreach (SocketIOClient client in _clients.Values)
        {
            client.OnEngineClosedLocked(reason);
        }
    }

    private void OnEngineClose(EngineHandler handler, string reason, Exception? error)
    {
        IEngineConnection? engine;
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                return;
            }

            engine = _engine;
            reason = _closeReasonOverride ?? reason;
            _closeReasonOverride = null;
            _handler = null;
            _engine = null;
            bool wasOpen = _state == ReadyState.Open;
            _state = ReadyState.Closed;
            if (reason == "transport error")
            {
                // As the JavaScript engine's onError: the next connection does not trust a remembered upgrade.
                _priorWebSocketSuccess = false;
            }

            _decoder.Reset();
            SocketIOClientLog.EngineClosed(Logger, ServerUri, reason, error);
            if (wasOpen)
            {
                NotifyClosedLocked(reason);
            }

            // "forced close" is ours (CloseLocked, which already set _skipReconnect); anything else is a lost connection.
            _backoff.Reset();
            ReconnectLocked();
        }

        if (engine is not null)
        {
            _ = engine.DisposeAsync().AsTask();
        }
    }

    private void OnText(EngineHandler handler, ReadOnlyMemory<byte> utf8)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                return;
            }

            try
            {
                if (Options.Parser is { } parser)
                {
                    DecodeParsedLocked(parser, utf8.Span, isBinary: false);
                }
                else if (_decoder.DecodeText(utf8.Span) is { } packet)
                {
                    RouteLocked(packet);
                }
            }
            catch (SocketIOProtocolException e)
            {
                OnParseErrorLocked(e);
            }
        }
    }

    private void OnBinary(EngineHandler handler, ReadOnlyMemory<byte> data)
    {
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                return;
            }

            try
            {
                if (Options.Parser is { } parser)
                {
                    DecodeParsedLocked(parser, data.Span, isBinary: true);
                }
                else if (_decoder.DecodeBinary(data.Span) is { } packet)
                {
                    RouteLocked(packet);
                }
            }
            catch (SocketIOProtocolException e)
            {
                OnParseErrorLocked(e);
            }
        }
    }

    /// <summary>A message of another parser: decoded into the default form, then read as its text message and attachments.</summary>
    private void DecodeParsedLocked(ISocketIOParser parser, ReadOnlySpan<byte> message, bool isBinary)
    {
        SocketIODecodedMessage decoded = parser.Decode(message, isBinary, ParserLimits);
        SocketIOPacket? packet = _decoder.DecodeText(decoded.Text);
        foreach (byte[] attachment in decoded.Attachments)
        {
            packet = _decoder.DecodeBinary(attachment);
        }

        if (packet is not null)
        {
            RouteLocked(packet);
        }
    }

    private void OnParseErrorLocked(SocketIOProtocolException error)
    {
        SocketIOClientLog.ParseError(Logger, error);
        _decoder.Reset();
        if (_engine is { } engine && _closeReasonOverride is null)
        {
            // As the JavaScript manager: an undecodable packet is a lost connection ("parse error"), and reconnects.
            _closeReasonOverride = "parse error";
            _ = engine.CloseAsync();
        }
    }

    private void RouteLocked(SocketIOPacket packet)
    {
        if (_clients.TryGetValue(packet.Namespace, out SocketIOClient? client) && client.IsActiveLocked)
        {
            client.OnPacketLocked(packet);
        }
        else
        {
            SocketIOClientLog.UnknownNamespace(Logger, packet.Namespace);
        }
    }

    /// <summary>One per connection attempt, so that a late callback of an old session is recognised and ignored.</summary>
    private sealed class EngineHandler(SocketIOManager manager) : IEngineIOClientHandler
    {
        public bool ObservesPackets => manager.Engine.ObservesPackets;

        public void OnText(ReadOnlyMemory<byte> utf8) => manager.OnText(this, utf8);

        public void OnBinary(ReadOnlyMemory<byte> data) => manager.OnBinary(this, data);

        public void OnClose(string reason, Exception? error) => manager.OnEngineClose(this, reason, error);

        public void OnUpgrading(string transport)
        {
            if (IsCurrent)
            {
                manager.Engine.RaiseUpgrading(transport);
            }
        }

        public void OnUpgraded(string transport)
        {
            lock (manager.Gate)
            {
                if (!ReferenceEquals(manager._handler, this))
                {
                    return;
                }

                manager._priorWebSocketSuccess = true;
            }

            manager.Engine.RaiseUpgraded(transport);
        }

        public void OnPacket(bool outgoing, EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
        {
            if (IsCurrent)
            {
                manager.Engine.RaisePacket(outgoing, type, data, isBinary);
            }
        }

        private bool IsCurrent => ReferenceEquals(Volatile.Read(ref manager._handler), this);
    }
}
