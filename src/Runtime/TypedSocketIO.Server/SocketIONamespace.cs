using System.Collections.Concurrent;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// A Socket.IO namespace (<c>io.of("/chat")</c>): its middleware, its connection handlers, its sockets and rooms (through
/// its <see cref="Adapter"/>). Broadcasting from the namespace reaches every socket in it. Safe to use from any thread.
/// </summary>
/// <remarks>
/// A parent namespace (<see cref="IsParent"/>, made by <see cref="SocketIOServer.Of(System.Text.RegularExpressions.Regex)"/> or
/// <see cref="SocketIOServer.Of(SocketIONamespaceMatcher)"/>) has no socket of its own: clients connect to its children, the
/// namespaces created when a CONNECT asks for a name it matches. Each child starts with the parent's middleware and connection
/// handlers as they are at that moment (as the official server copies them); broadcasting from the parent (<c>Emit</c>,
/// <c>To(…).Emit</c>, <c>Timeout(…).EmitWithAckAsync</c>, <c>SocketsJoin</c>, <c>DisconnectSockets</c>) acts on every child.
/// </remarks>
public sealed class SocketIONamespace : ISocketIOEmitter
{
    private readonly ConcurrentDictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private SocketIOMiddleware[] _middlewares = [];
    private Func<SocketIOSocket, ValueTask>[] _connectionHandlers = [];
    private Dictionary<string, SocketIOEventListener[]> _serverSideHandlers = new(StringComparer.Ordinal);
    private long _nextAckId = -1;
    private SocketIOBroadcastOperator? _all;
    private SocketIONamespace[] _children = [];

    internal SocketIONamespace(SocketIOServer server, string name, ISocketIOAdapterFactory adapterFactory, SocketIONamespace? parent = null)
    {
        Server = server;
        Name = name;
        Parent = parent;
        if (parent is not null)
        {
            // What the official createChild copies: the parent's middleware and connection listeners, as they are now.
            _middlewares = System.Threading.Volatile.Read(ref parent._middlewares);
            _connectionHandlers = System.Threading.Volatile.Read(ref parent._connectionHandlers);
        }

        Adapter = adapterFactory.Create(this);
    }

    /// <summary>Creates a parent namespace (named <c>/_0</c>, <c>/_1</c>… as the official ones, and never joined by a client).</summary>
    internal SocketIONamespace(SocketIOServer server, string name)
    {
        Server = server;
        Name = name;
        IsParent = true;
        Adapter = new Internal.ParentNamespaceAdapter(this);
    }

    /// <summary>The namespace name, starting with <c>/</c>.</summary>
    public string Name { get; }

    /// <summary>The server.</summary>
    public SocketIOServer Server { get; }

    /// <summary>The adapter holding the rooms of this namespace.</summary>
    public ISocketIOAdapter Adapter { get; }

    /// <summary>Whether this is a parent namespace: a pattern or a matcher whose children clients connect to.</summary>
    public bool IsParent { get; }

    /// <summary>The parent namespace this one was created as a child of, or <see langword="null"/> for a namespace created by name.</summary>
    public SocketIONamespace? Parent { get; }

    /// <summary>The child namespaces of a parent namespace that exist now (a snapshot); empty for any other namespace.</summary>
    public IReadOnlyList<SocketIONamespace> Children => System.Threading.Volatile.Read(ref _children);

    /// <summary>The sockets of this server connected to the namespace, by id.</summary>
    public IReadOnlyDictionary<string, SocketIOSocket> Sockets => _sockets;

    /// <summary>Selects every socket of the namespace, volatile.</summary>
    public SocketIOBroadcastOperator Volatile => CreateOperator().Volatile;

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOBroadcastOperator Compress(bool compress) => CreateOperator().Compress(compress);

    /// <summary>Selects every socket of the namespace on this server only.</summary>
    public SocketIOBroadcastOperator Local => CreateOperator().Local;

    /// <summary>Adds a middleware, run in the order added for each socket that connects to the namespace.</summary>
    /// <param name="middleware">The middleware; throw <see cref="SocketIOConnectionRejectedException"/> in it to refuse the socket.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace Use(SocketIOMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate)
        {
            _middlewares = [.. _middlewares, middleware];
        }

        return this;
    }

    /// <summary>
    /// Adds a handler called for each socket that connected (after its middleware, once the client received its sid). It runs
    /// before any event of that socket is dispatched; register the socket's event handlers in it.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace OnConnection(Func<SocketIOSocket, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _connectionHandlers = [.. _connectionHandlers, handler];
        }

        return this;
    }

    /// <summary>Adds a synchronous connection handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace OnConnection(Action<SocketIOSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnConnection(socket =>
        {
            handler(socket);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Selects the sockets in a room.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator To(string room) => CreateOperator().To(room);

    /// <summary>Selects the sockets in any of several rooms (each once).</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => CreateOperator().To(rooms);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Same as <see cref="To(IEnumerable{string})"/>.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator In(IEnumerable<string> rooms) => To(rooms);

    /// <summary>Selects every socket except those in a room.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator Except(string room) => CreateOperator().Except(room);

    /// <summary>Selects every socket except those in any of several rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator Except(IEnumerable<string> rooms) => CreateOperator().Except(rooms);

    /// <summary>Selects every socket, waiting at most <paramref name="timeout"/> for acknowledgements.</summary>
    /// <param name="timeout">The timeout.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => CreateOperator().Timeout(timeout);

    /// <summary>Sends an event to every socket of the namespace.</summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns><see langword="true"/>.</returns>
    public bool Emit(string eventName, params object?[]? arguments) => CreateOperator().Emit(eventName, arguments);

    /// <inheritdoc/>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        CreateOperator().Emit(eventName, state, writeArguments);

    /// <inheritdoc/>
    public bool EmitPacket(SocketIOEncodedPacket packet) => CreateOperator().EmitPacket(packet);

    /// <summary>Returns every socket of the namespace, on every server of the cluster.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The sockets (<see cref="SocketIOSocket"/> for this server's).</returns>
    /// <exception cref="NotSupportedException">This is a parent namespace (as the official server, which cannot know the children of the other servers).</exception>
    public ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) =>
        CreateOperator().FetchSocketsAsync(cancellationToken);

    /// <summary>The number of servers in the cluster, this one included (1 without a cluster adapter).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The count.</returns>
    public ValueTask<int> ServerCountAsync(CancellationToken cancellationToken = default) => Adapter.ServerCountAsync(cancellationToken);

    /// <summary>The rooms with at least one socket on any server of the cluster.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The rooms.</returns>
    public ValueTask<IReadOnlyCollection<string>> AllRoomsAsync(CancellationToken cancellationToken = default) => Adapter.AllRoomsAsync(cancellationToken);

    /// <summary>
    /// Listens to an event the other servers of the cluster send with <c>ServerSideEmit</c> (the official
    /// <c>io.on("event", …)</c>). The handler's <see cref="SocketIOAck"/> answers a sender that asked for answers (its first
    /// argument is sent). Handlers of one event run in the order added.
    /// </summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>This namespace.</returns>
    public SocketIONamespace OnServerSideEvent(string eventName, SocketIOEventListener handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            var copy = new Dictionary<string, SocketIOEventListener[]>(_serverSideHandlers, StringComparer.Ordinal);
            copy[eventName] = copy.TryGetValue(eventName, out SocketIOEventListener[]? existing) ? [.. existing, handler] : [handler];
            _serverSideHandlers = copy;
        }

        return this;
    }

    /// <summary>
    /// Sends an event to the other servers of the cluster (never to this one), to their <see cref="OnServerSideEvent"/> handlers.
    /// Arguments are JSON only (no binary), as the official adapters send them. With the in-memory adapter (one server) it
    /// reaches no handler, as the official one (which also prints a warning). <c>connect</c>, <c>connection</c> and
    /// <c>new_namespace</c> are refused, as the official server refuses them.
    /// </summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>Completes once sent.</returns>
    public ValueTask ServerSideEmitAsync(string eventName, params object?[]? arguments) =>
        Adapter.ServerSideEmitAsync(BuildServerSideData(eventName, arguments), CancellationToken.None);

    /// <summary>
    /// Sends an event to the other servers and collects one answer from each (the first argument its handler acknowledged
    /// with), within the adapter's requests timeout.
    /// </summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="arguments">The arguments (JSON only).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// One answer per other server: empty at once when there is none — with the in-memory adapter, and with a cluster adapter alone
    /// in its cluster, as the official cluster adapters answer (the official in-memory adapter never answers: its promise stays
    /// pending). Fails with <see cref="SocketIOAdapterTimeoutException"/>, holding the answers received, when some server did not
    /// answer in time.
    /// </returns>
    public Task<IReadOnlyList<System.Text.Json.JsonElement>> ServerSideEmitWithAckAsync(string eventName, object?[] arguments, CancellationToken cancellationToken = default) =>
        Adapter.ServerSideEmitWithAckAsync(BuildServerSideData(eventName, arguments), cancellationToken);

    /// <inheritdoc cref="SocketIOBroadcastOperator.SocketsJoinAsync"/>
    public ValueTask SocketsJoinAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default) => CreateOperator().SocketsJoinAsync(rooms, cancellationToken);

    /// <inheritdoc cref="SocketIOBroadcastOperator.SocketsLeaveAsync"/>
    public ValueTask SocketsLeaveAsync(IEnumerable<string> rooms, CancellationToken cancellationToken = default) => CreateOperator().SocketsLeaveAsync(rooms, cancellationToken);

    /// <inheritdoc cref="SocketIOBroadcastOperator.DisconnectSocketsAsync"/>
    public ValueTask DisconnectSocketsAsync(bool close = false, CancellationToken cancellationToken = default) => CreateOperator().DisconnectSocketsAsync(close, cancellationToken);

    /// <summary>Makes every socket of the namespace join a room.</summary>
    /// <param name="room">The room.</param>
    public void SocketsJoin(string room) => CreateOperator().SocketsJoin(room);

    /// <summary>Makes every socket of the namespace join rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    public void SocketsJoin(IEnumerable<string> rooms) => CreateOperator().SocketsJoin(rooms);

    /// <summary>Makes every socket of the namespace leave a room.</summary>
    /// <param name="room">The room.</param>
    public void SocketsLeave(string room) => CreateOperator().SocketsLeave(room);

    /// <summary>Makes every socket of the namespace leave rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    public void SocketsLeave(IEnumerable<string> rooms) => CreateOperator().SocketsLeave(rooms);

    /// <summary>Disconnects every socket of the namespace (<c>server namespace disconnect</c>).</summary>
    /// <param name="close">Whether to close their whole underlying connections.</param>
    public void DisconnectSockets(bool close = false) => CreateOperator().DisconnectSockets(close);

    /// <summary>The selection of every socket (immutable, so one per namespace serves every broadcast).</summary>
    internal SocketIOBroadcastOperator CreateOperator() => _all ??= new(this);

    internal SocketIOPacketWriter CreateWriter() => SocketIOPacketWriter.Rent(Server.Options.JsonSerializerOptions);

    /// <summary>Acknowledgement ids are unique per namespace, so that one broadcast can share one id across sockets (as socket.io does).</summary>
    internal long NextAckId() => Interlocked.Increment(ref _nextAckId) & SocketIOProtocol.MaxAckId;

    /// <summary>Runs the middleware in order; throws what a middleware throws.</summary>
    internal async ValueTask RunMiddlewareAsync(SocketIOSocket socket, CancellationToken cancellationToken)
    {
        foreach (SocketIOMiddleware middleware in System.Threading.Volatile.Read(ref _middlewares))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await middleware(socket, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Child namespaces only, under the server's lock of dynamic namespaces: sockets between CONNECT and joined or refused.</summary>
    internal int Connecting { get; set; }

    /// <summary>Child namespaces only, under the server's lock of dynamic namespaces: removed because it was empty.</summary>
    internal bool IsRemoved { get; set; }

    /// <summary>Parent namespaces only, under the server's lock of dynamic namespaces.</summary>
    internal void AddChild(SocketIONamespace child) => System.Threading.Volatile.Write(ref _children, [.. _children, child]);

    /// <summary>Parent namespaces only, under the server's lock of dynamic namespaces.</summary>
    internal void RemoveChild(SocketIONamespace child) =>
        System.Threading.Volatile.Write(ref _children, Array.FindAll(_children, c => !ReferenceEquals(c, child)));

    internal void Add(SocketIOSocket socket)
    {
        _sockets[socket.Id] = socket;
        Adapter.AddAll(socket.Id, [socket.Id]);
    }

    internal void Remove(SocketIOSocket socket)
    {
        Adapter.DeleteAll(socket.Id);
        _sockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket));
        if (Parent is not null)
        {
            Server.RemoveChildIfEmpty(this);
        }
    }

    /// <summary>Hands an event of another server to the server-side handlers; false when the data is not a valid event.</summary>
    internal bool DispatchServerSideEvent(ReadOnlyMemory<byte> data, Action<ReadOnlyMemory<byte>>? onAnswer)
    {
        SocketIOArguments arguments;
        string eventName;
        try
        {
            byte[] text = new byte[data.Length + 1];
            text[0] = (byte)'2';
            data.Span.CopyTo(text.AsSpan(1));
            SocketIOPacket? packet = new SocketIOPacketDecoder(Server.ParserOptions).DecodeText(text);
            if (packet is null || packet.EventName is null)
            {
                SocketIOServerLog.BadServerSideEvent(Server.Logger, Name, "not an event array");
                return false;
            }

            arguments = SocketIOArguments.FromEvent(packet, out eventName);
        }
        catch (SocketIOProtocolException ex)
        {
            SocketIOServerLog.BadServerSideEvent(Server.Logger, Name, ex.Message);
            return false;
        }

        if (!System.Threading.Volatile.Read(ref _serverSideHandlers).TryGetValue(eventName, out SocketIOEventListener[]? handlers))
        {
            return true;
        }

        SocketIOAck ack = onAnswer is null ? SocketIOAck.None : new Internal.ServerSideAck(this, onAnswer);
        foreach (SocketIOEventListener handler in handlers)
        {
            try
            {
                ValueTask task = handler(arguments, ack);
                if (!task.IsCompletedSuccessfully)
                {
                    _ = ObserveAsync(task);
                }
            }
            catch (Exception ex)
            {
                SocketIOServerLog.HandlerFailed(Server.Logger, Name, eventName, ex);
            }
        }

        return true;
    }

    private ReadOnlyMemory<byte> BuildServerSideData(string eventName, object?[]? arguments)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (eventName is "connect" or "connection" or "new_namespace")
        {
            // The official namespace's RESERVED_EVENTS, refused by its serverSideEmit.
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }

        arguments ??= [null]; // what C# passes for Emit("x", null): one null argument, as JavaScript's emit("x", null)
        using SocketIOPacketWriter writer = CreateWriter();
        writer.MaxAttachments = 0;
        writer.StartEvent(eventName);
        foreach (object? argument in arguments)
        {
            try
            {
                writer.WriteArgument(argument);
            }
            catch (InvalidOperationException ex)
            {
                throw new ArgumentException("A server-side event carries JSON only (no binary), as the official adapters send it.", nameof(arguments), ex);
            }
        }

        SocketIOEncodedPacket packet = writer.Build(SocketIOProtocol.DefaultNamespace);
        return packet.Text[1..];
    }

    /// <summary>Calls the connection handlers in order; a handler still running does not hold the connection back.</summary>
    internal void RaiseConnection(SocketIOSocket socket)
    {
        foreach (Func<SocketIOSocket, ValueTask> handler in System.Threading.Volatile.Read(ref _connectionHandlers))
        {
            ValueTask task;
            try
            {
                task = handler(socket);
            }
            catch (Exception ex)
            {
                SocketIOServerLog.HandlerFailed(Server.Logger, Name, "connection", ex);
                continue;
            }

            if (!task.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(task);
            }
        }
    }

    private async Task ObserveAsync(ValueTask task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIOServerLog.HandlerFailed(Server.Logger, Name, "connection", ex);
        }
    }
}
