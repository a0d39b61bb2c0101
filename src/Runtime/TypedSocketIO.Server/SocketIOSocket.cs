using Microsoft.Extensions.Logging;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// One client in one namespace (the server-side <c>socket</c> of Socket.IO). Several sockets of different namespaces
/// share one Engine.IO connection. Members are safe to call from any thread.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The socket's lifetime ends in Close(); its semaphore never creates a wait handle and its token source has no timer, so the GC reclaims both.")]
public sealed partial class SocketIOSocket : ISocketIORemoteSocket
{
    private const int StateConnecting = 0;
    private const int StateConnected = 1;
    private const int StateClosed = 2;

    private static readonly string[] ReservedEventNames =
        ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

    private readonly Lock _gate = new();
    private Dictionary<long, IPendingAck>? _acks; // made at the first server→client acknowledgement
    private readonly SemaphoreSlim _pendingEvents;
    private readonly CancellationTokenSource _closed = new();
    // The handlers per event, replaced whole on each change (an event reads the reference without a lock): an array searched
    // in order while there are few events (most sockets: no dictionary per socket), a dictionary above SmallHandlerCount.
    private object _handlers = Array.Empty<EventHandlers>();
    private SocketIOAnyListener[] _anyHandlers = [];
    private SocketIOAnyListener[] _anyOutgoingHandlers = [];
    private int _state;
    private string? _closeReason;
    private SocketIOBroadcastOptions? _ownRoomOptions;

    internal SocketIOSocket(SocketIONamespace ns, SocketIOClientConnection client, SocketIOHandshake handshake, string id, string? pid = null, bool recovered = false)
    {
        Namespace = ns;
        Client = client;
        Handshake = handshake;
        Id = id;
        Pid = pid;
        Recovered = recovered;
        _pendingEvents = new SemaphoreSlim(ns.Server.Options.MaxPendingEventsPerSocket);
    }

    /// <summary>The socket id: random (CSPRNG), unique, specific to this namespace. The socket is always in the room of this name.</summary>
    public string Id { get; }

    /// <summary>The selection of this socket alone, on this server (an emit that goes through the adapter, with recovery on); made once.</summary>
    internal SocketIOBroadcastOptions OwnRoomOptions => _ownRoomOptions ??= new SocketIOBroadcastOptions
    {
        Rooms = System.Collections.Immutable.ImmutableHashSet.Create(StringComparer.Ordinal, Id),
        Flags = SocketIOBroadcastFlags.Local,
    };

    /// <summary>The namespace the socket belongs to.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>The server.</summary>
    public SocketIOServer Server => Namespace.Server;

    /// <summary>The request facts and the <c>auth</c> payload the socket connected with.</summary>
    public SocketIOHandshake Handshake { get; }

    /// <summary>
    /// Whether the socket was restored by connection state recovery (the official <c>socket.recovered</c>): same <see cref="Id"/>,
    /// rooms and <see cref="Data"/> as before the connection was cut, and the missed events sent to the client.
    /// </summary>
    public bool Recovered { get; }

    /// <summary>The private session id of connection state recovery (sent only to this client); <see langword="null"/> when recovery is off.</summary>
    internal string? Pid { get; }

    private System.Collections.Concurrent.ConcurrentDictionary<object, object?>? _items;

    /// <summary>Per-socket state of the application (the official <c>socket.data</c>). Middleware may set it.</summary>
    public object? Data { get; set; }

    /// <summary>
    /// Per-socket state that stays on this server (as SignalR's <c>Context.Items</c>): unlike <see cref="Data"/> it is never sent to other
    /// servers of a cluster. Handler classes keep their per-socket state here, since each event gets a new instance. Concurrent, since
    /// a socket's events may run concurrently.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<object, object?> Items => System.Threading.LazyInitializer.EnsureInitialized(ref _items, static () => new System.Collections.Concurrent.ConcurrentDictionary<object, object?>());

    /// <summary>Whether the socket is connected (after its middleware accepted it and before it disconnects).</summary>
    public bool Connected => System.Threading.Volatile.Read(ref _state) == StateConnected;

    /// <summary>The disconnect reason once disconnected; otherwise <see langword="null"/>.</summary>
    public string? DisconnectReason => System.Threading.Volatile.Read(ref _closeReason);

    /// <summary>Cancelled when the socket disconnects.</summary>
    public CancellationToken DisconnectedToken => _closed.Token;

    /// <summary>The rooms the socket is in, including its own id room (a snapshot).</summary>
    public IReadOnlyCollection<string> Rooms => Namespace.Adapter.GetSocketRooms(Id);

    /// <summary>
    /// Raised once when the socket starts to disconnect, while it is still in its rooms, with the reason (one of
    /// <see cref="SocketIODisconnectReason"/>). Exceptions thrown by handlers are logged.
    /// </summary>
    public event Action<SocketIOSocket, string>? Disconnecting;

    /// <summary>
    /// Raised once after the socket disconnected and left its rooms, with the reason (one of <see cref="SocketIODisconnectReason"/>).
    /// Exceptions thrown by handlers are logged.
    /// </summary>
    public event Action<SocketIOSocket, string>? Disconnected;

    internal SocketIOClientConnection Client { get; }

    /// <summary>The typed view of this socket (<see cref="As{TReceive, TSend}"/>), created once.</summary>
    internal object? TypedView;

    /// <summary>This socket seen through two contracts: <c>socket.As&lt;IChatServer, IChatClient&gt;().Emit.Message(…)</c>.</summary>
    /// <typeparam name="TReceive">The contract of the events received from the client.</typeparam>
    /// <typeparam name="TSend">The contract of the events sent to the client.</typeparam>
    /// <returns>The typed view (the same instance each time for the same pair of contracts).</returns>
    public SocketIOSocket<TReceive, TSend> As<TReceive, TSend>() => SocketIOSocket<TReceive, TSend>.For(this);

    internal int PendingAckCount
    {
        get
        {
            lock (_gate)
            {
                return _acks?.Count ?? 0;
            }
        }
    }

    /// <summary>Adds the socket to a room.</summary>
    /// <param name="room">The room.</param>
    public void Join(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        Join([room]);
    }

    /// <summary>Adds the socket to several rooms.</summary>
    /// <param name="rooms">The rooms.</param>
    public void Join(IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        if (System.Threading.Volatile.Read(ref _state) == StateClosed)
        {
            return;
        }

        Namespace.Adapter.AddAll(Id, rooms);
        if (System.Threading.Volatile.Read(ref _state) == StateClosed)
        {
            // Raced with Close(): its DeleteAll may have run before AddAll.
            Namespace.Adapter.DeleteAll(Id);
        }
    }

    /// <summary>Removes the socket from a room.</summary>
    /// <param name="room">The room.</param>
    public void Leave(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        Namespace.Adapter.Delete(Id, room);
    }

    /// <summary>Listens to an event from the client. Several handlers of one event run in the order they were added.</summary>
    /// <param name="eventName">The event name; reserved names (<c>connect</c>, <c>disconnect</c>, …) are refused.</param>
    /// <param name="handler">The handler; it receives the arguments and the acknowledgement responder.</param>
    public void On(string eventName, SocketIOEventListener handler)
    {
        ValidateEventName(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            List<EventHandlers> events = CopyHandlers();
            int index = events.FindIndex(e => string.Equals(e.EventName, eventName, StringComparison.Ordinal));
            if (index >= 0)
            {
                events[index] = new EventHandlers(eventName, [.. events[index].Listeners, handler]);
            }
            else
            {
                events.Add(new EventHandlers(eventName, [handler]));
            }

            PublishHandlers(events);
        }
    }

    /// <summary>Listens to an event from the client with a synchronous handler that does not acknowledge.</summary>
    /// <param name="eventName">The event name; reserved names are refused.</param>
    /// <param name="handler">The handler.</param>
    public void On(string eventName, Action<SocketIOArguments> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        On(eventName, (args, _) =>
        {
            handler(args);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Removes every handler of an event.</summary>
    /// <param name="eventName">The event name.</param>
    /// <returns>Whether there was any.</returns>
    public bool Off(string eventName)
    {
        lock (_gate)
        {
            List<EventHandlers> events = CopyHandlers();
            if (events.RemoveAll(e => string.Equals(e.EventName, eventName, StringComparison.Ordinal)) == 0)
            {
                return false;
            }

            PublishHandlers(events);
            return true;
        }
    }

    /// <summary>The most events whose handlers are kept in an array searched in order (more: a dictionary).</summary>
    private const int SmallHandlerCount = 8;

    /// <summary>The handlers of one event, in the order they were added.</summary>
    private readonly record struct EventHandlers(string EventName, SocketIOEventListener[] Listeners);

    /// <summary>The handlers of <paramref name="eventName"/>, read without a lock.</summary>
    private bool TryGetHandlers(string eventName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketIOEventListener[]? listeners)
    {
        object handlers = System.Threading.Volatile.Read(ref _handlers);
        if (handlers is EventHandlers[] small)
        {
            foreach (EventHandlers entry in small)
            {
                if (string.Equals(entry.EventName, eventName, StringComparison.Ordinal))
                {
                    listeners = entry.Listeners;
                    return true;
                }
            }

            listeners = null;
            return false;
        }

        return ((Dictionary<string, SocketIOEventListener[]>)handlers).TryGetValue(eventName, out listeners);
    }

    /// <summary>Under the gate: the events and their handlers, as a list to change.</summary>
    private List<EventHandlers> CopyHandlers()
    {
        if (_handlers is EventHandlers[] small)
        {
            return [.. small];
        }

        var events = new List<EventHandlers>();
        foreach (KeyValuePair<string, SocketIOEventListener[]> entry in (Dictionary<string, SocketIOEventListener[]>)_handlers)
        {
            events.Add(new EventHandlers(entry.Key, entry.Value));
        }

        return events;
    }

    /// <summary>Under the gate: replaces the handlers with <paramref name="events"/>.</summary>
    private void PublishHandlers(List<EventHandlers> events)
    {
        if (events.Count <= SmallHandlerCount)
        {
            System.Threading.Volatile.Write(ref _handlers, events.ToArray());
            return;
        }

        var index = new Dictionary<string, SocketIOEventListener[]>(events.Count, StringComparer.Ordinal);
        foreach (EventHandlers entry in events)
        {
            index[entry.EventName] = entry.Listeners;
        }

        System.Threading.Volatile.Write(ref _handlers, index);
    }

    /// <summary>Adds a catch-all listener, called for every event from the client before its handlers.</summary>
    /// <param name="handler">The listener.</param>
    public void OnAny(SocketIOAnyListener handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _anyHandlers = [.. _anyHandlers, handler];
        }
    }

    /// <summary>Removes a catch-all listener, or all of them when <paramref name="handler"/> is <see langword="null"/>.</summary>
    /// <param name="handler">The listener to remove.</param>
    public void OffAny(SocketIOAnyListener? handler = null)
    {
        lock (_gate)
        {
            _anyHandlers = handler is null ? [] : Array.FindAll(_anyHandlers, h => h != handler);
        }
    }

    /// <summary>Adds a catch-all listener for outgoing events, called for every event sent to this client (broadcasts included).</summary>
    /// <param name="handler">The listener.</param>
    public void OnAnyOutgoing(SocketIOAnyListener handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _anyOutgoingHandlers = [.. _anyOutgoingHandlers, handler];
        }
    }

    /// <summary>Removes an outgoing catch-all listener, or all of them when <paramref name="handler"/> is <see langword="null"/>.</summary>
    /// <param name="handler">The listener to remove.</param>
    public void OffAnyOutgoing(SocketIOAnyListener? handler = null)
    {
        lock (_gate)
        {
            _anyOutgoingHandlers = handler is null ? [] : Array.FindAll(_anyOutgoingHandlers, h => h != handler);
        }
    }

    /// <summary>
    /// Disconnects the socket from its namespace: the client receives a DISCONNECT packet and the reason is
    /// <c>server namespace disconnect</c>. With <paramref name="close"/>, every socket of the connection is disconnected
    /// and the connection is closed.
    /// </summary>
    /// <param name="close">Whether to close the whole underlying connection.</param>
    public void Disconnect(bool close = false)
    {
        if (close)
        {
            Client.DisconnectAll();
            return;
        }

        if (Connected)
        {
            Client.TrySend(SocketIOEncodedPacket.Disconnect(Namespace.Name), isVolatile: false);
        }

        Close(SocketIODisconnectReason.ServerNamespaceDisconnect);
    }

    internal static bool IsReservedEventName(string eventName) => Array.IndexOf(ReservedEventNames, eventName) >= 0;

    internal static void ValidateEventName(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (IsReservedEventName(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }

    internal bool MarkConnected() => Interlocked.CompareExchange(ref _state, StateConnected, StateConnecting) == StateConnecting;

    /// <summary>Dispatches an EVENT/BINARY_EVENT packet: catch-all listeners, then the handlers; waits while too many handlers run.</summary>
    internal async ValueTask OnEventAsync(string eventName, SocketIOArguments arguments, long ackId)
    {
        if (!Connected)
        {
            return;
        }

        SocketIOAck ack = ackId >= 0 ? new Internal.SocketIOServerAck(this, ackId) : SocketIOAck.None;
        foreach (SocketIOAnyListener any in System.Threading.Volatile.Read(ref _anyHandlers))
        {
            try
            {
                any(eventName, arguments);
            }
            catch (Exception ex)
            {
                ReportHandlerFailure(eventName, ex);
            }
        }

        if (Server.EventsReceived.Enabled)
        {
            Server.EventsReceived.Add(1, new KeyValuePair<string, object?>("socketio.namespace", Namespace.Name));
        }

        if (!TryGetHandlers(eventName, out SocketIOEventListener[]? handlers))
        {
            return;
        }

        // Back-pressure: the connection is not read further while MaxPendingEventsPerSocket handlers are still running.
        if (!_pendingEvents.Wait(0))
        {
            try
            {
                await _pendingEvents.WaitAsync(_closed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        System.Diagnostics.Activity? activity = SocketIOTelemetry.StartEvent(Namespace.Name, eventName, Id, ackId >= 0);
        List<Task>? running = null;
        foreach (SocketIOEventListener handler in handlers)
        {
            ValueTask task;
            try
            {
                task = handler(arguments, ack);
            }
            catch (Exception ex)
            {
                SocketIOTelemetry.Fail(activity, ex.Message);
                ReportHandlerFailure(eventName, ex);
                continue;
            }

            if (!task.IsCompletedSuccessfully)
            {
                (running ??= []).Add(task.AsTask());
            }
        }

        if (running is null)
        {
            activity?.Dispose();
            _pendingEvents.Release();
        }
        else
        {
            if (activity is not null)
            {
                // The span ends with the last handler; the read loop goes on outside it.
                System.Diagnostics.Activity.Current = activity.Parent;
            }

            _ = TrackHandlersAsync(running, eventName, activity);
        }
    }

    /// <summary>
    /// A handler failed. An argument that did not fit its typed parameter drops the event: it is counted, logged once per socket and
    /// shown to <see cref="SocketIOServerOptions.OnInvalidArguments"/>; anything else is logged as a handler error.
    /// </summary>
    private void ReportHandlerFailure(string eventName, Exception exception)
    {
        if (exception is not SocketIOArgumentException invalid)
        {
            SocketIOServerLog.HandlerFailed(Server.Logger, Namespace.Name, eventName, exception);
            Server.CountError(SocketIOErrorReasons.HandlerFailed, Namespace.Name);
            return;
        }

        Server.Counters.InvalidArgument();
        Server.CountError(SocketIOErrorReasons.InvalidArguments, Namespace.Name);
        if (Interlocked.Exchange(ref _invalidArgumentsLogged, 1) == 0)
        {
            SocketIOServerLog.InvalidArguments(Server.Logger, Namespace.Name, invalid.Message);
        }

        try
        {
            Server.Options.OnInvalidArguments?.Invoke(this, invalid);
        }
        catch (Exception ex)
        {
            SocketIOServerLog.HandlerFailed(Server.Logger, Namespace.Name, eventName, ex);
        }
    }

    private int _invalidArgumentsLogged;

    private async Task TrackHandlersAsync(List<Task> running, string eventName, System.Diagnostics.Activity? activity)
    {
        foreach (Task task in running)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                SocketIOTelemetry.Fail(activity, ex.Message);
                ReportHandlerFailure(eventName, ex);
            }
        }

        activity?.Dispose();
        _pendingEvents.Release();
    }

    /// <summary>Completes the waiter of an ACK/BINARY_ACK packet; an unknown id (late, or never sent) is ignored as the official server does.</summary>
    internal void OnAck(long ackId, SocketIOArguments arguments)
    {
        IPendingAck? pending;
        lock (_gate)
        {
            pending = null;
            _acks?.Remove(ackId, out pending);
        }

        if (pending is not null)
        {
            try
            {
                pending.OnResponse(this, arguments);
            }
            finally
            {
                // Still counted as pending until its waiter has the answer (as in Close).
                Server.Counters.AddPendingAcks(-1);
            }
        }
        else
        {
            SocketIOServerLog.UnknownAck(Server.Logger, Namespace.Name, ackId);
        }
    }

    /// <summary>Adds an acknowledgement waiter; false (and the connection closed) when the socket is over its limit or gone.</summary>
    internal bool TryAddAck(long id, IPendingAck pending, out Exception? error)
    {
        lock (_gate)
        {
            if (_state == StateClosed)
            {
                error = SocketIODisconnectedException.ForReason(_closeReason);
                return false;
            }

            if (_acks?.Count >= Server.Options.MaxPendingAcksPerSocket)
            {
                error = null;
            }
            else
            {
                (_acks ??= []).Add(id, pending);
                Server.Counters.AddPendingAcks(1);
                error = null;
                return true;
            }
        }

        // Over the limit: the client leaves acknowledgements unanswered. Close this one connection (principle 5).
        SocketIOServerLog.TooManyPendingAcks(Server.Logger, Namespace.Name, Server.Options.MaxPendingAcksPerSocket);
        Server.CountError(SocketIOErrorReasons.TooManyPendingAcks, Namespace.Name);
        error = new InvalidOperationException(
            $"The socket has {Server.Options.MaxPendingAcksPerSocket} acknowledgements waiting (SocketIOServerOptions.MaxPendingAcksPerSocket); its connection was closed.");
        Client.Abort(SocketIODisconnectReason.ForcedServerClose, "too many pending acknowledgements");
        return false;
    }

    internal bool TryRemoveAck(long id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPendingAck? pending)
    {
        lock (_gate)
        {
            pending = null;
            if (_acks is not null && _acks.Remove(id, out pending))
            {
                Server.Counters.AddPendingAcks(-1);
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Disconnects the socket once: <see cref="Disconnecting"/> (still in its rooms), leaves the rooms and the namespace,
    /// fails the acknowledgements still awaited, then <see cref="Disconnected"/>.
    /// </summary>
    internal void Close(string reason)
    {
        int previous;
        KeyValuePair<long, IPendingAck>[] acks;
        lock (_gate)
        {
            previous = _state;
            if (previous == StateClosed)
            {
                return;
            }

            _state = StateClosed;
            _closeReason = reason;
            acks = _acks is null ? [] : [.. _acks];
            _acks?.Clear();
        }

        if (previous == StateConnected)
        {
            Raise(Disconnecting, reason, "disconnecting");
            PersistSession(reason);
        }

        // Always: a middleware may have joined rooms before it refused the socket.
        Namespace.Remove(this);

        Client.RemoveSocket(this);
        try
        {
            foreach (KeyValuePair<long, IPendingAck> ack in acks)
            {
                ack.Value.OnSocketClosed(this, reason);
            }
        }
        finally
        {
            // Counted as pending until each waiter (a broadcast's included) has been told, so that a pending count of zero means
            // every outcome is recorded.
            Server.Counters.AddPendingAcks(-acks.Length);
        }

        try
        {
            _closed.Cancel();
        }
        catch (AggregateException ex)
        {
            // A callback registered on DisconnectedToken threw: the cleanup goes on.
            SocketIOServerLog.HandlerFailed(Server.Logger, Namespace.Name, "disconnect", ex);
        }

        if (previous == StateConnected)
        {
            if (Server.Disconnects.Enabled)
            {
                Server.Disconnects.Add(
                    1, new KeyValuePair<string, object?>("socketio.namespace", Namespace.Name), new KeyValuePair<string, object?>("socketio.disconnect.reason", reason));
            }

            SocketIOServerLog.SocketDisconnected(Server.Logger, Namespace.Name, reason);
            Raise(Disconnected, reason, "disconnect");
        }
    }

    /// <summary>Connection state recovery: keeps the session of a socket whose connection was cut (not one that left on purpose).</summary>
    private void PersistSession(string reason)
    {
        if (Pid is null || reason is SocketIODisconnectReason.ClientNamespaceDisconnect or SocketIODisconnectReason.ServerNamespaceDisconnect
            or SocketIODisconnectReason.ParseError)
        {
            return;
        }

        try
        {
            Namespace.Adapter.PersistSession(new SocketIOSession
            {
                Sid = Id,
                Pid = Pid,
                Rooms = Namespace.Adapter.GetSocketRooms(Id),
                Data = Data,
                UserId = Client.UserId,
            });
        }
        catch (Exception ex)
        {
            SocketIOServerLog.RecoveryFailed(Server.Logger, Namespace.Name, ex);
        }
    }

    private void Raise(Action<SocketIOSocket, string>? handlers, string reason, string name)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (Action<SocketIOSocket, string> handler in handlers.GetInvocationList().Cast<Action<SocketIOSocket, string>>())
        {
            try
            {
                handler(this, reason);
            }
            catch (Exception ex)
            {
                SocketIOServerLog.HandlerFailed(Server.Logger, Namespace.Name, name, ex);
            }
        }
    }
}
