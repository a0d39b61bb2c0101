using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
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

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of the server's traces: a span per namespace connect and per event handled.</summary>
    public const string ActivitySourceName = "TypedSocketIO.Server";

    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketIOClientConnection, byte> _clients = new();
    private readonly ISocketIOAdapterFactory _adapterFactory;
    private readonly Meter _meter;
    private readonly Lock _dynamicGate = new();
    private ParentEntry[] _parents = [];
    private TypedSocketIO.EngineIO.EngineIOServer[] _engines = [];
    private int _shuttingDown;
    private ISocketIOServerObserver? _observer;

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

    /// <summary>
    /// A dynamic namespace seen through its two contracts: every namespace whose name <paramref name="pattern"/> matches is created
    /// as its child when a client connects to it (<c>io.Of&lt;ITeamServer, ITeamClient&gt;(new Regex(@"^/team-\d+$"))</c>).
    /// </summary>
    /// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
    /// <param name="pattern">The pattern of the namespace names, matched against the whole name with its leading <c>/</c>.</param>
    /// <returns>The typed parent namespace.</returns>
    public SocketIONamespace<TReceive, TSend> Of<TReceive, TSend>(Regex pattern) => new(Of(pattern), Services);

    /// <summary>A dynamic namespace chosen by a matcher, seen through its two contracts.</summary>
    /// <typeparam name="TReceive">The contract of the events received from clients.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to clients.</typeparam>
    /// <param name="matcher">Says whether a namespace a client asks for is created as a child of this one.</param>
    /// <returns>The typed parent namespace.</returns>
    public SocketIONamespace<TReceive, TSend> Of<TReceive, TSend>(SocketIONamespaceMatcher matcher) => new(Of(matcher), Services);

    /// <summary>The main namespace, <c>/</c>.</summary>
    public SocketIONamespace MainNamespace { get; }

    /// <summary>The namespaces (a snapshot).</summary>
    public IReadOnlyCollection<SocketIONamespace> Namespaces => NamespaceSnapshot();

    /// <summary>Live counts: connections, sockets, rooms, acknowledgements waiting, binary packets half received.</summary>
    public SocketIOServerDiagnostics Diagnostics { get; }

    /// <summary>Selects every socket of the main namespace, volatile.</summary>
    public SocketIOBroadcastOperator Volatile => MainNamespace.Volatile;

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOBroadcastOperator Compress(bool compress) => MainNamespace.Compress(compress);

    /// <summary>Selects every socket of the main namespace on this server only.</summary>
    public SocketIOBroadcastOperator Local => MainNamespace.Local;

    internal ILogger Logger { get; }

    internal TimeProvider TimeProvider { get; }

    internal SocketIOParserOptions ParserOptions { get; }

    internal SocketIOServerCounters Counters { get; } = new();

    internal int ClientCount => _clients.Count;

    /// <summary>The instrumentation watching this server (the admin UI), or <see langword="null"/>: read at each call site, so that without one each costs a null check.</summary>
    internal ISocketIOServerObserver? Observer
    {
        get => System.Threading.Volatile.Read(ref _observer);
        set => System.Threading.Volatile.Write(ref _observer, value);
    }

    /// <summary>The Engine.IO connections served (a live view; enumerating it is safe while connections come and go).</summary>
    internal ICollection<SocketIOClientConnection> Clients => _clients.Keys;

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

        if (_namespaces.TryGetValue(name, out SocketIONamespace? existing))
        {
            return existing;
        }

        // As the official io.of(name): a name a parent's pattern matches is created as that parent's child (matchers are not asked).
        foreach (ParentEntry entry in System.Threading.Volatile.Read(ref _parents))
        {
            if (entry.Pattern is not null && entry.Pattern.IsMatch(name))
            {
                return GetOrCreateChild(entry.Parent, name);
            }
        }

        lock (_dynamicGate)
        {
            return _namespaces.GetOrAdd(name, static (n, server) => new SocketIONamespace(server, n, server._adapterFactory), this);
        }
    }

    /// <summary>
    /// Creates a parent namespace for every namespace whose name matches <paramref name="pattern"/> (the official
    /// <c>io.of(/^\/team-\d+$/)</c>): a client that connects to <c>/team-7</c> creates the child namespace <c>/team-7</c>, with this
    /// parent's middleware and connection handlers; broadcasting from the parent reaches every child. A name that no namespace has
    /// and no parent accepts gets <c>CONNECT_ERROR</c> <c>Invalid namespace</c>. Parents are asked in the order they were created.
    /// </summary>
    /// <param name="pattern">
    /// The pattern, matched against the name with its leading <c>/</c> (anchor it: <c>^/team-\d+$</c>). Names come from clients: give
    /// the pattern a match timeout if it could backtrack (a timeout counts as no match).
    /// </param>
    /// <returns>The parent namespace (named <c>/_0</c>, <c>/_1</c>…; clients cannot join it).</returns>
    public SocketIONamespace Of(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return AddParent(pattern, (name, _, _) => ValueTask.FromResult(pattern.IsMatch(name)));
    }

    /// <summary>
    /// Creates a parent namespace whose children are the namespaces <paramref name="matcher"/> accepts when a client asks for them (the
    /// official <c>io.of((name, auth, next) => …)</c>); see <see cref="Of(Regex)"/>.
    /// </summary>
    /// <param name="matcher">Says whether a namespace a client asks for is created; an exception counts as no.</param>
    /// <returns>The parent namespace.</returns>
    public SocketIONamespace Of(SocketIONamespaceMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        return AddParent(null, matcher);
    }

    /// <summary>Creates a parent namespace and configures it.</summary>
    /// <param name="pattern">The pattern; see <see cref="Of(Regex)"/>.</param>
    /// <param name="configure">Adds middleware and connection handlers, which each child gets when it is created.</param>
    /// <returns>The parent namespace.</returns>
    public SocketIONamespace Of(Regex pattern, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        SocketIONamespace ns = Of(pattern);
        configure(ns);
        return ns;
    }

    /// <summary>Creates a parent namespace chosen by a matcher and configures it.</summary>
    /// <param name="matcher">The matcher; see <see cref="Of(SocketIONamespaceMatcher)"/>.</param>
    /// <param name="configure">Adds middleware and connection handlers, which each child gets when it is created.</param>
    /// <returns>The parent namespace.</returns>
    public SocketIONamespace Of(SocketIONamespaceMatcher matcher, Action<SocketIONamespace> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        SocketIONamespace ns = Of(matcher);
        configure(ns);
        return ns;
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

        foreach (ParentEntry entry in System.Threading.Volatile.Read(ref _parents))
        {
            entry.Parent.Adapter.Dispose();
        }

        _meter.Dispose();
    }

    /// <summary>The Engine.IO handler that serves this server (one per mapped endpoint is fine: they share the namespaces).</summary>
    internal SocketIOEngineIOHandler CreateEngineIOHandler() => new(this);

    /// <summary>Creates the client object of a new connection and starts its connect timeout (the harness of the tests calls this).</summary>
    /// <summary>The counter of events received, tagged with the namespace.</summary>
    internal System.Diagnostics.Metrics.Counter<long> EventsReceived { get; private set; } = null!;

    /// <summary>The counter of disconnected sockets, tagged with the namespace and the reason.</summary>
    internal System.Diagnostics.Metrics.Counter<long> Disconnects { get; private set; } = null!;

    /// <summary>The counter of errors, tagged with the namespace and the reason (<see cref="SocketIOErrorReasons"/>).</summary>
    internal System.Diagnostics.Metrics.Counter<long> Errors { get; private set; } = null!;

    /// <summary>The counters of Socket.IO packets and of their bytes, received and sent.</summary>
    internal System.Diagnostics.Metrics.Counter<long> PacketsReceived { get; private set; } = null!;

    /// <inheritdoc cref="PacketsReceived"/>
    internal System.Diagnostics.Metrics.Counter<long> BytesReceived { get; private set; } = null!;

    /// <inheritdoc cref="PacketsReceived"/>
    internal System.Diagnostics.Metrics.Counter<long> PacketsSent { get; private set; } = null!;

    /// <inheritdoc cref="PacketsReceived"/>
    internal System.Diagnostics.Metrics.Counter<long> BytesSent { get; private set; } = null!;

    /// <summary>Counts an error (a tag array only when a listener collects the counter).</summary>
    /// <param name="reason">One of <see cref="SocketIOErrorReasons"/>.</param>
    /// <param name="ns">The namespace, or <see langword="null"/> for an error of the whole connection.</param>
    internal void CountError(string reason, string? ns)
    {
        if (!Errors.Enabled)
        {
            return;
        }

        if (ns is null)
        {
            Errors.Add(1, new KeyValuePair<string, object?>("error.type", reason));
        }
        else
        {
            Errors.Add(1, new KeyValuePair<string, object?>("error.type", reason), new KeyValuePair<string, object?>("socketio.namespace", ns));
        }
    }

    /// <summary>Counts one packet sent (queued to the transport) of <paramref name="bytes"/> bytes; a flag read when nobody listens.</summary>
    internal void CountSent(long bytes)
    {
        if (PacketsSent.Enabled)
        {
            PacketsSent.Add(1);
            BytesSent.Add(bytes);
        }
    }

    /// <summary>Counts bytes received, and a packet when <paramref name="isPacket"/> (an attachment is bytes of the packet before it).</summary>
    internal void CountReceived(long bytes, bool isPacket)
    {
        if (PacketsReceived.Enabled)
        {
            BytesReceived.Add(bytes);
            if (isPacket)
            {
                PacketsReceived.Add(1);
            }
        }
    }

    internal SocketIOClientConnection CreateClient(ISocketIOTransport transport, SocketIOConnectionInfo info)
    {
        var client = new SocketIOClientConnection(this, transport, info);
        client.Open();
        return client;
    }

    internal bool TryGetNamespace(string name, [NotNullWhen(true)] out SocketIONamespace? ns) => _namespaces.TryGetValue(name, out ns);

    /// <summary>
    /// The namespace a CONNECT asks for, counted as connecting (so that an empty child is not removed under it), or
    /// <see langword="null"/> when it does not exist and no parent accepts it (the official <c>_checkNamespace</c>).
    /// Call <see cref="EndConnect"/> once the socket joined or was refused.
    /// </summary>
    internal async ValueTask<SocketIONamespace?> BeginConnectAsync(string name, SocketIOHandshake handshake, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_namespaces.TryGetValue(name, out SocketIONamespace? ns))
            {
                if (TryEnter(ns))
                {
                    return ns;
                }

                continue; // removed meanwhile: look again (a parent may create it anew)
            }

            SocketIONamespace? parent = null;
            foreach (ParentEntry entry in System.Threading.Volatile.Read(ref _parents))
            {
                bool accepted;
                try
                {
                    accepted = await entry.Matcher(name, handshake, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    SocketIOServerLog.NamespaceMatcherFailed(Logger, entry.Parent.Name, name, ex);
                    accepted = false;
                }

                if (accepted)
                {
                    parent = entry.Parent;
                    break;
                }
            }

            if (parent is null)
            {
                return null;
            }

            ns = GetOrCreateChild(parent, name);
            if (TryEnter(ns))
            {
                return ns;
            }
        }
    }

    /// <summary>The socket counted by <see cref="BeginConnectAsync"/> joined or was refused.</summary>
    internal void EndConnect(SocketIONamespace ns)
    {
        if (ns.Parent is null)
        {
            return;
        }

        lock (_dynamicGate)
        {
            ns.Connecting--;
        }

        RemoveChildIfEmpty(ns);
    }

    /// <summary>With <see cref="SocketIOServerOptions.CleanupEmptyChildNamespaces"/>, removes a child that has no socket and none connecting.</summary>
    internal void RemoveChildIfEmpty(SocketIONamespace ns)
    {
        if (!Options.CleanupEmptyChildNamespaces || ns.Parent is not { } parent)
        {
            return;
        }

        lock (_dynamicGate)
        {
            if (ns.IsRemoved || ns.Connecting > 0 || ns.Sockets.Count != 0)
            {
                return;
            }

            ns.IsRemoved = true;
            _namespaces.TryRemove(new KeyValuePair<string, SocketIONamespace>(ns.Name, ns));
            parent.RemoveChild(ns);
        }

        ns.Adapter.Dispose();
        SocketIOServerLog.ChildNamespaceRemoved(Logger, ns.Name);
    }

    private bool TryEnter(SocketIONamespace ns)
    {
        if (ns.Parent is null)
        {
            return true;
        }

        lock (_dynamicGate)
        {
            if (ns.IsRemoved)
            {
                return false;
            }

            ns.Connecting++;
            return true;
        }
    }

    private SocketIONamespace AddParent(Regex? pattern, SocketIONamespaceMatcher matcher)
    {
        lock (_dynamicGate)
        {
            var parent = new SocketIONamespace(this, "/_" + _parents.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            System.Threading.Volatile.Write(ref _parents, [.. _parents, new ParentEntry(pattern, matcher, parent)]);
            return parent;
        }
    }

    private SocketIONamespace GetOrCreateChild(SocketIONamespace parent, string name)
    {
        SocketIONamespace child;
        lock (_dynamicGate)
        {
            if (_namespaces.TryGetValue(name, out SocketIONamespace? existing))
            {
                return existing;
            }

            child = new SocketIONamespace(this, name, _adapterFactory, parent);
            _namespaces[name] = child;
            parent.AddChild(child);
        }

        SocketIOServerLog.ChildNamespaceCreated(Logger, name, parent.Name);
        return child;
    }

    internal SocketIONamespace[] NamespaceSnapshot() => [.. _namespaces.Values];

    /// <summary>The Engine.IO servers of the endpoints mapped for this server (their owner is the container's <c>EngineIOServerLifetime</c>).</summary>
    internal TypedSocketIO.EngineIO.EngineIOServer[] Engines => System.Threading.Volatile.Read(ref _engines);

    internal void AddEngine(TypedSocketIO.EngineIO.EngineIOServer engine)
    {
        lock (_dynamicGate)
        {
            System.Threading.Volatile.Write(ref _engines, [.. _engines, engine]);
        }
    }

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

    private sealed record ParentEntry(Regex? Pattern, SocketIONamespaceMatcher Matcher, SocketIONamespace Parent);

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
        EventsReceived = _meter.CreateCounter<long>(
            "socketio.server.events_received", "{event}", "Events received from clients (handled or not), per namespace.");
        Disconnects = _meter.CreateCounter<long>(
            "socketio.server.disconnects", "{socket}", "Sockets disconnected, per namespace and reason (transport close, ping timeout, parse error, …).");
        Errors = _meter.CreateCounter<long>(
            "socketio.server.errors", "{error}",
            "Errors, per reason (error.type: protocol_error, invalid_arguments, handler_failed, connect_rejected, middleware_failed, ack_timeout, " +
            "too_many_pending_acks, unauthorized, forbidden) and namespace (none for protocol_error).");
        PacketsReceived = _meter.CreateCounter<long>(
            "socketio.server.packets_received", "{packet}", "Socket.IO packets received (a binary packet and its attachments count once).");
        BytesReceived = _meter.CreateCounter<long>(
            "socketio.server.bytes_received", "By", "Bytes of the Socket.IO packets received (text and attachments, in the JSON text form: a msgpack packet counts as decoded).");
        PacketsSent = _meter.CreateCounter<long>(
            "socketio.server.packets_sent", "{packet}", "Socket.IO packets queued to the transports (a broadcast counts once per recipient).");
        BytesSent = _meter.CreateCounter<long>(
            "socketio.server.bytes_sent", "By", "Bytes of the Socket.IO packets queued to the transports (text and attachments in the JSON text form, before Engine.IO framing).");
        _meter.CreateObservableCounter(
            "socketio.server.invalid_arguments", () => Counters.InvalidArguments, "{event}", "Events dropped because an argument did not fit its typed parameter.");
    }

    private IEnumerable<Measurement<int>> ObserveSockets() =>
        NamespaceSnapshot().Select(ns => new Measurement<int>(ns.Sockets.Count, new KeyValuePair<string, object?>("socketio.namespace", ns.Name)));

    private IEnumerable<Measurement<int>> ObserveRooms() =>
        NamespaceSnapshot().Select(ns => new Measurement<int>(ns.Adapter.RoomCount, new KeyValuePair<string, object?>("socketio.namespace", ns.Name)));
}
