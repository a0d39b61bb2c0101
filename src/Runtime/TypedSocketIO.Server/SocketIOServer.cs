using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The Socket.IO server (the official <c>io</c> object): its namespaces, broadcasting from anywhere (resolve it from DI),
/// live counts, and shutdown. Members that take no namespace act on the main namespace <c>/</c>. Safe to use from any thread.
/// </summary>
public sealed class SocketIOServer : ISocketIOEmitter, IDisposable
{
    /// <summary>The name of the meter that publishes the server's instruments.</summary>
    public const string MeterName = "TypedSocketIO.Server";

    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketIOClientConnection, byte> _clients = new();
    private readonly ISocketIOAdapterFactory _adapterFactory;
    private readonly Meter _meter;
    private int _shuttingDown;

    /// <summary>Creates a server.</summary>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory; none logs nothing.</param>
    /// <param name="adapterFactory">Creates each namespace's adapter; defaults to the in-memory adapter.</param>
    /// <param name="meterFactory">Creates the meter; defaults to a meter owned by the server.</param>
    /// <param name="timeProvider">The clock of timeouts; defaults to <see cref="TimeProvider.System"/>.</param>
    public SocketIOServer(
        SocketIOServerOptions options,
        ILoggerFactory? loggerFactory = null,
        ISocketIOAdapterFactory? adapterFactory = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedSocketIO.Server.SocketIOServer");
        TimeProvider = timeProvider ?? TimeProvider.System;
        ParserOptions = new SocketIOParserOptions { MaxAttachments = options.MaxAttachments, MaxDepth = options.MaxJsonDepth };
        _adapterFactory = adapterFactory ?? new InMemorySocketIOAdapterFactory();
        Diagnostics = new SocketIOServerDiagnostics(this);
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        CreateInstruments();
        MainNamespace = Of(SocketIOProtocol.DefaultNamespace);
    }

    /// <summary>The options.</summary>
    public SocketIOServerOptions Options { get; }

    /// <summary>The application's services, when the server was registered by <c>AddSocketIO</c>; handler classes are created from them.</summary>
    internal IServiceProvider? Services { get; init; }

    /// <summary>
    /// A namespace seen through its two contracts, to configure it or to emit from anywhere:
    /// <c>io.Of&lt;IChatServer, IChatClient&gt;("/").To("lobby").Emit.Message(m)</c>.
    /// </summary>
    /// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
    /// <param name="name">The namespace, e.g. <c>/</c>; created if needed.</param>
    /// <returns>The typed namespace.</returns>
    public SocketIONamespace<TReceive, TSend> Of<TReceive, TSend>(string name) => new(Of(name), Services);

    /// <summary>The main namespace, <c>/</c>.</summary>
    public SocketIONamespace MainNamespace { get; }

    /// <summary>The namespaces (a snapshot).</summary>
    public IReadOnlyCollection<SocketIONamespace> Namespaces => NamespaceSnapshot();

    /// <summary>Live counts: connections, sockets, rooms, acknowledgements waiting, binary packets half received.</summary>
    public SocketIOServerDiagnostics Diagnostics { get; }

    /// <summary>Selects every socket of the main namespace, volatile.</summary>
    public SocketIOBroadcastOperator Volatile => MainNamespace.Volatile;

    /// <summary>Selects every socket of the main namespace on this server only.</summary>
    public SocketIOBroadcastOperator Local => MainNamespace.Local;

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    internal SocketIOParserOptions ParserOptions { get; }

    internal SocketIOServerCounters Counters { get; } = new();

    internal int ClientCount => _clients.Count;

    internal bool IsShuttingDown => System.Threading.Volatile.Read(ref _shuttingDown) != 0;

    /// <summary>Returns a namespace, creating it when it does not exist (clients can join only namespaces created this way).</summary>
    /// <param name="name">The name; a leading <c>/</c> is added when missing.</param>
    /// <returns>The namespace.</returns>
    public SocketIONamespace Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name[0] != '/')
        {
            name = "/" + name;
        }

        return _namespaces.TryGetValue(name, out SocketIONamespace? existing)
            ? existing
            : _namespaces.GetOrAdd(name, static (n, server) => new SocketIONamespace(server, n, server._adapterFactory), this);
    }

    /// <summary>Returns a namespace, creating it when needed, and configures it.</summary>
    /// <param name="name">The name.</param>
    /// <param name="configure">Adds middleware and connection handlers.</param>
    /// <returns>The namespace.</returns>
    public SocketIONamespace Of(string name, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        SocketIONamespace ns = Of(name);
        configure(ns);
        return ns;
    }

    /// <summary>Adds a middleware to the main namespace.</summary>
    /// <param name="middleware">The middleware.</param>
    /// <returns>The main namespace.</returns>
    public SocketIONamespace Use(SocketIOMiddleware middleware) => MainNamespace.Use(middleware);

    /// <summary>Adds a connection handler to the main namespace.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>The main namespace.</returns>
    public SocketIONamespace OnConnection(Action<SocketIOSocket> handler) => MainNamespace.OnConnection(handler);

    /// <summary>Adds an asynchronous connection handler to the main namespace.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>The main namespace.</returns>
    public SocketIONamespace OnConnection(Func<SocketIOSocket, ValueTask> handler) => MainNamespace.OnConnection(handler);

    /// <inheritdoc cref="SocketIONamespace.To(string)"/>
    public SocketIOBroadcastOperator To(string room) => MainNamespace.To(room);

    /// <inheritdoc cref="SocketIONamespace.To(IEnumerable{string})"/>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => MainNamespace.To(rooms);

    /// <inheritdoc cref="SocketIONamespace.In(string)"/>
    public SocketIOBroadcastOperator In(string room) => MainNamespace.In(room);

    /// <inheritdoc cref="SocketIONamespace.In(IEnumerable{string})"/>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => MainNamespace.In(rooms);

    /// <inheritdoc cref="SocketIONamespace.Except(string)"/>
    public SocketIOBroadcastOperator Except(string room) => MainNamespace.Except(room);

    /// <inheritdoc cref="SocketIONamespace.Except(IEnumerable{string})"/>
    public SocketIOBroadcastOperator Except(IEnumerable<string> rooms) => MainNamespace.Except(rooms);

    /// <inheritdoc cref="SocketIONamespace.Timeout(TimeSpan)"/>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => MainNamespace.Timeout(timeout);

    /// <inheritdoc cref="SocketIONamespace.Emit(string, object?[])"/>
    public bool Emit(string eventName, params object?[]? arguments) => MainNamespace.Emit(eventName, arguments);

    /// <inheritdoc/>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        MainNamespace.Emit(eventName, state, writeArguments);

    /// <inheritdoc/>
    public bool EmitPacket(SocketIOEncodedPacket packet) => MainNamespace.EmitPacket(packet);

    /// <inheritdoc cref="SocketIONamespace.FetchSocketsAsync(CancellationToken)"/>
    public ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) =>
        MainNamespace.FetchSocketsAsync(cancellationToken);

    /// <inheritdoc cref="SocketIONamespace.ServerCountAsync(CancellationToken)"/>
    public ValueTask<int> ServerCountAsync(CancellationToken cancellationToken = default) => MainNamespace.ServerCountAsync(cancellationToken);

    /// <inheritdoc cref="SocketIONamespace.ServerSideEmitAsync(string, object?[])"/>
    public ValueTask ServerSideEmitAsync(string eventName, params object?[]? arguments) => MainNamespace.ServerSideEmitAsync(eventName, arguments);

    /// <inheritdoc cref="SocketIONamespace.ServerSideEmitWithAckAsync(string, object?[], CancellationToken)"/>
    public Task<IReadOnlyList<System.Text.Json.JsonElement>> ServerSideEmitWithAckAsync(string eventName, object?[] arguments, CancellationToken cancellationToken = default) =>
        MainNamespace.ServerSideEmitWithAckAsync(eventName, arguments, cancellationToken);

    /// <inheritdoc cref="SocketIONamespace.OnServerSideEvent(string, SocketIOEventListener)"/>
    public SocketIONamespace OnServerSideEvent(string eventName, SocketIOEventListener handler) => MainNamespace.OnServerSideEvent(eventName, handler);

    /// <inheritdoc cref="SocketIONamespace.SocketsJoin(string)"/>
    public void SocketsJoin(string room) => MainNamespace.SocketsJoin(room);

    /// <inheritdoc cref="SocketIONamespace.SocketsLeave(string)"/>
    public void SocketsLeave(string room) => MainNamespace.SocketsLeave(room);

    /// <inheritdoc cref="SocketIONamespace.DisconnectSockets(bool)"/>
    public void DisconnectSockets(bool close = false) => MainNamespace.DisconnectSockets(close);

    /// <summary>
    /// Disconnects every socket with <c>server shutting down</c> (acknowledgements still awaited fail with
    /// <see cref="SocketIODisconnectedException"/>) and closes every connection. Called when the host stops.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the connections to flush.</param>
    /// <returns>A task that completes when every connection closed, or when <paramref name="cancellationToken"/> is cancelled.</returns>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _shuttingDown, 1) != 0)
        {
            return;
        }

        SocketIOClientConnection[] clients = [.. _clients.Keys];
        SocketIOServerLog.ShuttingDown(Logger, clients.Length);
        var closing = new List<Task>(clients.Length);
        foreach (SocketIOClientConnection client in clients)
        {
            ValueTask close = client.ShutdownAsync();
            if (!close.IsCompletedSuccessfully)
            {
                closing.Add(close.AsTask());
            }
        }

        try
        {
            await Task.WhenAll(closing).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: nothing hangs past it.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (SocketIONamespace ns in _namespaces.Values)
        {
            ns.Adapter.Dispose();
        }

        _meter.Dispose();
    }

    /// <summary>The Engine.IO handler that serves this server (one per mapped endpoint is fine: they share the namespaces).</summary>
    internal SocketIOEngineIOHandler CreateEngineIOHandler() => new(this);

    /// <summary>Creates the client object of a new connection and starts its connect timeout (the harness of the tests calls this).</summary>
    internal SocketIOClientConnection CreateClient(ISocketIOTransport transport, SocketIOConnectionInfo info)
    {
        var client = new SocketIOClientConnection(this, transport, info);
        client.Open();
        return client;
    }

    internal bool TryGetNamespace(string name, [NotNullWhen(true)] out SocketIONamespace? ns) => _namespaces.TryGetValue(name, out ns);

    internal SocketIONamespace[] NamespaceSnapshot() => [.. _namespaces.Values];

    internal void AddClient(SocketIOClientConnection client) => _clients.TryAdd(client, 0);

    internal void RemoveClient(SocketIOClientConnection client) => _clients.TryRemove(client, out _);

    internal int CountPendingBinaryPackets()
    {
        int count = 0;
        foreach (SocketIOClientConnection client in _clients.Keys)
        {
            if (client.HasPendingBinaryPacket)
            {
                count++;
            }
        }

        return count;
    }

    private void CreateInstruments()
    {
        _meter.CreateObservableUpDownCounter(
            "socketio.server.connections", () => ClientCount, "{connection}", "Engine.IO connections served by the Socket.IO server.");
        _meter.CreateObservableUpDownCounter(
            "socketio.server.sockets", ObserveSockets, "{socket}", "Sockets connected, per namespace.");
        _meter.CreateObservableUpDownCounter(
            "socketio.server.rooms", ObserveRooms, "{room}", "Rooms with at least one local socket, per namespace.");
        _meter.CreateObservableUpDownCounter(
            "socketio.server.pending_acks", () => Counters.PendingAcks, "{ack}", "Server-to-client acknowledgements waiting.");
        _meter.CreateObservableUpDownCounter(
            "socketio.server.pending_binary_packets", CountPendingBinaryPackets, "{packet}", "Binary packets whose attachments have not all arrived.");
        _meter.CreateObservableCounter(
            "socketio.server.protocol_errors", () => Counters.ProtocolErrors, "{connection}", "Connections closed because the client sent invalid input.");
        _meter.CreateObservableCounter(
            "socketio.server.invalid_arguments", () => Counters.InvalidArguments, "{event}", "Events dropped because an argument did not fit its typed parameter.");
    }

    private IEnumerable<Measurement<int>> ObserveSockets() =>
        NamespaceSnapshot().Select(ns => new Measurement<int>(ns.Sockets.Count, new KeyValuePair<string, object?>("socketio.namespace", ns.Name)));

    private IEnumerable<Measurement<int>> ObserveRooms() =>
        NamespaceSnapshot().Select(ns => new Measurement<int>(ns.Adapter.RoomCount, new KeyValuePair<string, object?>("socketio.namespace", ns.Name)));
}
