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
/// <para>The connection opens when a client connects, and closes when no client of the manager is active any more.</para>
/// <para><b>States</b> (the JavaScript manager's <c>_readyState</c> crossed with its <c>_reconnecting</c>, as one state
/// machine): <i>closed</i>; <i>opening</i> (one handshake, bounded by <see cref="SocketIOClientOptions.ConnectTimeout"/>);
/// <i>open</i> (<see cref="IsOpen"/>); after a lost connection or a failed attempt, <i>waiting to reconnect</i> (the
/// back-off delay) and <i>reconnecting</i> (an attempt's handshake) — both <see cref="IsReconnecting"/> — until an attempt
/// succeeds or <see cref="SocketIOClientOptions.ReconnectionAttempts"/> run out (<see cref="ReconnectFailed"/>, then
/// closed: a client's next <see cref="SocketIOClient.ConnectAsync"/> starts again).</para>
/// <para><b>Threading.</b> Thread-safe. The manager's events and those of its clients run on one queue, one after the
/// other in the order they happened (for a failed attempt: <c>ConnectError</c>, then <see cref="ReconnectFailed"/> if it
/// was the last, then <see cref="ReconnectError"/>, as the JavaScript manager), never under the manager's lock; the
/// events of <see cref="Engine"/> run on the session's threads and must not block. See <see cref="SocketIOClient"/> for
/// the whole threading model.</para>
/// </remarks>
public sealed partial class SocketIOManager : IAsyncDisposable
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
    private ManagerState _state;
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
                return _state == ManagerState.Open;
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
                return _state is ManagerState.WaitingToReconnect or ManagerState.Reconnecting;
            }
        }
    }

    /// <summary>The lock of the manager and of its clients.</summary>
    internal object Gate { get; } = new();

    internal ILogger Logger { get; }

    /// <summary>The one event queue of the manager and its clients: every event of both keeps the order it happened in.</summary>
    internal SerialDispatcher Events => _events;

    /// <summary>The current Engine.IO connection when open (under <see cref="Gate"/>).</summary>
    internal IEngineConnection? OpenEngine => _state == ManagerState.Open ? _engine : null;

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
}
