using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <summary>
/// A Socket.IO client of one namespace (the JavaScript client's <c>Socket</c>), untyped: events by name, arguments as
/// <see cref="SocketIOArguments"/>. For typed events use <see cref="Create{TReceive, TSend}"/>.
/// </summary>
/// <remarks>
/// <para>Emits made while disconnected are buffered and sent in order once connected (volatile ones are dropped).
/// A lost connection is re-established with exponential back-off (see <see cref="SocketIOClientOptions"/>) unless the
/// server or the client ended the session.</para>
/// <para><b>Structure.</b> As the JavaScript client, three state machines, each with its states named in code and
/// changed in one place: this socket (one per namespace: acknowledgements, send and receive buffers), its
/// <see cref="SocketIOManager"/> (the connection shared by the namespaces, multiplexing, reconnection) and the Engine.IO
/// session under the manager (transports, upgrade, heartbeat; seen through <see cref="SocketIOManager.Engine"/>).</para>
/// <para><b>States of the socket</b> (the JavaScript socket's <c>active</c> and <c>connected</c>): <i>inactive</i> (not
/// asked to connect, or disconnected, refused or given up: no reconnection; emits are buffered);
/// <i>connecting</i> (<see cref="IsActive"/> and not <see cref="IsConnected"/>: waiting for the manager's connection or
/// for the answer to its CONNECT; emits are buffered, volatile ones dropped, received events kept);
/// <i>connected</i> (<see cref="IsConnected"/>); <i>disposed</i>. A lost connection goes back to connecting while the
/// manager reconnects; <see cref="DisconnectAsync"/>, the server's DISCONNECT or its refusal go to inactive.</para>
/// <para><b>Threading model.</b></para>
/// <list type="bullet">
/// <item><description><i>Thread-safe.</i> Every public member may be called from any thread, concurrently, from listeners
/// too. <see cref="Emit(string, object?[])"/> and its kin only encode and queue: they never wait for the network.</description></item>
/// <item><description><i>Which thread runs handlers, in which order.</i> Event listeners (<see cref="On(string, SocketIOEventListener)"/>,
/// the typed <c>On</c>), <see cref="OnAny"/>, <see cref="OnAnyOutgoing"/>, <see cref="Connected"/>, <see cref="Disconnected"/>,
/// <see cref="ConnectError"/> and the manager's <see cref="SocketIOManager.ReconnectAttempt"/>, <see cref="SocketIOManager.Reconnected"/>,
/// <see cref="SocketIOManager.ReconnectError"/> and <see cref="SocketIOManager.ReconnectFailed"/> all run on one event
/// queue per manager: one loop on the thread pool, one callback at a time, in the order things happened, across every
/// namespace of the manager (the JavaScript client's single thread, in effect). Within an event, the
/// <see cref="OnAny"/> listeners run first, then the event's own, in the order they were added. No lock of the client is
/// held while a handler runs.</description></item>
/// <item><description><i>What may block.</i> An async listener holds up the next callback of the manager until its task
/// completes; a listener that blocks a thread does the same. Reading from the server goes on meanwhile (received events
/// wait in the queue), so a handler may emit, await <see cref="EmitWithAckAsync(string, object?[])"/>, await
/// <see cref="ConnectAsync"/> or call <see cref="DisconnectAsync"/> and <see cref="DisposeAsync"/> without deadlock:
/// acknowledgement and connection tasks complete on the thread pool, not on the queue. A handler must not wait for a later
/// callback of the same manager (it would wait for itself); a long wait belongs in a task of its own.</description></item>
/// <item><description><i>The exception.</i> The events of <see cref="SocketIOManager.Engine"/> are raised synchronously on the
/// session's I/O threads, one at a time, as the JavaScript engine's: they must be short and must not block (they hold up
/// reading and writing).</description></item>
/// <item><description><i>Locks, inside.</i> A socket and its manager share the manager's lock, which orders every state change
/// of one connection as the JavaScript client's single thread does; it is held only to change states and queue bytes,
/// never while user code runs or I/O is awaited. The Engine.IO session has locks of its own below it (order: the session's
/// delivery lock, then the manager's, then the session's state lock).</description></item>
/// </list>
/// </remarks>
public sealed partial class SocketIOClient : IAsyncDisposable
{
    private readonly SocketIOManager _manager;
    private readonly SocketIOClientOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, List<SocketIOEventListener>> _listeners = new(StringComparer.Ordinal);
    private readonly List<Action<string, SocketIOArguments>> _any = [];
    private readonly List<Action<string, SocketIOArguments>> _anyOutgoing = [];
    private readonly List<Outgoing> _sendBuffer = [];
    private readonly Dictionary<long, PendingAck> _acks = [];
    private readonly List<QueuedEmit> _queue = [];
    private readonly List<ReceivedEvent> _receiveBuffer = [];

    private long _nextAckId = -1;
    private SocketState _state;
    private bool _recovered;
    private string? _id;
    private string? _pid;
    private string? _lastOffset;
    private int _connectAttempt;
    private TaskCompletionSource? _connectWaiter;
    private Exception? _lastOpenError;

    internal SocketIOClient(SocketIOManager manager, string @namespace, SocketIOClientOptions options)
    {
        _manager = manager;
        _options = options;
        Namespace = @namespace;
        _logger = manager.Logger;
    }

    /// <summary>Raised when the namespace is connected (after the server's CONNECT), on every (re)connection.</summary>
    public event Action? Connected;

    /// <summary>
    /// Raised when the namespace is disconnected, with the reason: <c>io server disconnect</c> or <c>io client disconnect</c>
    /// (no reconnection follows), <c>transport close</c>, <c>transport error</c>, <c>ping timeout</c>, <c>parse error</c>
    /// (a reconnection follows when enabled) or <c>forced close</c>.
    /// </summary>
    public event Action<string>? Disconnected;

    /// <summary>
    /// Raised when a connection attempt fails: the server refused the namespace (final, see
    /// <see cref="SocketIOConnectErrorException.IsServerRefusal"/>) or the server could not be reached (retried when
    /// reconnection is enabled).
    /// </summary>
    public event Action<SocketIOConnectErrorException>? ConnectError;

    /// <summary>The namespace, e.g. <c>/</c> or <c>/admin</c>.</summary>
    public string Namespace { get; }

    /// <summary>The manager (the Engine.IO connection) this client uses, shared with the clients of other namespaces.</summary>
    public SocketIOManager Manager => _manager;

    /// <summary>The id the server gave this connection of the namespace; <see langword="null"/> while disconnected.</summary>
    public string? Id
    {
        get
        {
            lock (Gate)
            {
                return _id;
            }
        }
    }

    /// <summary>Whether the namespace is connected.</summary>
    public bool IsConnected
    {
        get
        {
            lock (Gate)
            {
                return _state == SocketState.Connected;
            }
        }
    }

    /// <summary>Whether the client is connected or trying to (it will reconnect after a lost connection).</summary>
    public bool IsActive
    {
        get
        {
            lock (Gate)
            {
                return IsActiveLocked;
            }
        }
    }

    /// <summary>Whether the last connection restored the previous session (connection state recovery on the server).</summary>
    public bool IsRecovered
    {
        get
        {
            lock (Gate)
            {
                return _recovered;
            }
        }
    }

    /// <summary>
    /// The connection state recovery session id the server gave (the JavaScript client's <c>_pid</c>), kept across
    /// reconnections and sent back in the CONNECT; <see langword="null"/> when the server does not recover state.
    /// </summary>
    public string? Pid
    {
        get
        {
            lock (Gate)
            {
                return _pid;
            }
        }
    }

    /// <summary>
    /// The offset of the last event delivered under connection state recovery (its last string argument, the JavaScript
    /// client's <c>_lastOffset</c>), sent back in the CONNECT so that the server replays what came after it.
    /// </summary>
    public string? LastOffset
    {
        get
        {
            lock (Gate)
            {
                return _lastOffset;
            }
        }
    }

    /// <summary>A view that emits with an acknowledgement timeout.</summary>
    /// <param name="timeout">How long to wait for each acknowledgement.</param>
    /// <returns>The emitter.</returns>
    public SocketIOClientEmitter Timeout(TimeSpan timeout) => new(this, SocketIOClientEmitter.CheckTimeout(timeout), isVolatile: false);

    /// <summary>A view whose emits are dropped rather than buffered when the packet cannot be written at once.</summary>
    /// <remarks>As the JavaScript client's <c>socket.volatile</c>: a volatile packet is dropped when the transport is not
    /// writable (not connected, or a write is in flight); otherwise it is sent, or buffered until the namespace connects.
    /// While an upgrade pauses the queue the transport stays writable, so the packet waits and goes out over the WebSocket.</remarks>
    public SocketIOClientEmitter Volatile => new(this, null, isVolatile: true);

    internal object Gate => _manager.Gate;

    /// <summary>Whether the socket is active (JS <c>socket.active</c>): connecting or connected.</summary>
    internal bool IsActiveLocked => _state is SocketState.Connecting or SocketState.Connected;

    /// <summary>Creates a client for the namespace in the URI's path (<c>/</c> when empty), on the shared manager of that server.</summary>
    /// <param name="uri">The server and namespace, e.g. <c>http://localhost:3000/admin</c>; a query string (<c>?token=x</c>) is added to
    /// <see cref="SocketIOClientOptions.Query"/> (keys set there win).</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The client, not connected yet: add listeners, then call <see cref="ConnectAsync"/>.</returns>
    public static SocketIOClient Create(Uri uri, SocketIOClientOptions? options = null) => Create(uri, options, factory: null);

    /// <summary>Creates a typed client for the namespace in the URI's path (<c>/</c> when empty).</summary>
    /// <typeparam name="TReceive">The contract of the events the server sends.</typeparam>
    /// <typeparam name="TSend">The contract of the events the client sends.</typeparam>
    /// <param name="uri">The server and namespace, e.g. <c>http://localhost:3000/admin</c>.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The client, not connected yet.</returns>
    public static SocketIOClient<TReceive, TSend> Create<TReceive, TSend>(Uri uri, SocketIOClientOptions? options = null) =>
        new(Create(uri, options));

    internal static SocketIOClient Create(Uri uri, SocketIOClientOptions? options, EngineConnectionFactory? factory)
    {
        ArgumentNullException.ThrowIfNull(uri);
        options ??= new SocketIOClientOptions();
        options.Validate();
        if (uri.IsAbsoluteUri && uri.Query.Length > 1)
        {
            // As io("http://host/ns?token=x") does: the URI's query joins the handshake's (the caller's options are not changed).
            options = options.WithQueryOf(uri);
        }

        string nsp = SocketIOManager.NormalizeNamespace(uri.IsAbsoluteUri ? uri.AbsolutePath : "/");
        SocketIOManager manager = SocketIOManager.Lookup(uri, options, nsp, factory);
        return manager.Socket(nsp, options);
    }

    /// <summary>
    /// Connects the namespace (opening the shared connection if needed) and completes when the server has accepted it.
    /// When the server cannot be reached and reconnection is enabled, attempts continue with back-off (each raising
    /// <see cref="ConnectError"/>) until one succeeds, the attempts run out or <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the client then stops trying (as <see cref="DisconnectAsync"/>).</param>
    /// <returns>A task that completes once connected.</returns>
    /// <exception cref="SocketIOConnectErrorException">The server refused the namespace, or every attempt failed.</exception>
    /// <exception cref="SocketIOClientDisconnectedException">The client was disconnected or disposed meanwhile.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_state == SocketState.Disposed, this);
            if (_state == SocketState.Connected)
            {
                return;
            }

            _connectWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _connectWaiter.Task;

            // As socket.connect(): asks the manager to open even when already active, so that a call after the
            // manager gave up reconnecting (ReconnectFailed, the client still active) starts a fresh attempt.
            bool newlyActive = _state == SocketState.Inactive;
            if (newlyActive)
            {
                TransitionLocked(SocketState.Connecting);
            }

            _manager.ActivateLocked(this, newlyActive);
        }

        try
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            bool stop;
            lock (Gate)
            {
                stop = _state != SocketState.Connected;
            }

            if (stop)
            {
                await DisconnectAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// Disconnects the namespace ("io client disconnect"): sends DISCONNECT when connected, stops reconnecting, and closes
    /// the shared connection when no other namespace uses it. Emits made afterwards are buffered until
    /// <see cref="ConnectAsync"/> is called again.
    /// </summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisconnectAsync()
    {
        lock (Gate)
        {
            DisconnectLocked();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Disconnects (see <see cref="DisconnectAsync"/>), releases the client and runs the events already queued.</summary>
    /// <returns>A task that completes when the queued listeners have run.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (Gate)
        {
            if (_state == SocketState.Disposed)
            {
                return;
            }

            DisconnectLocked();
            TransitionLocked(SocketState.Disposed);
            _manager.RemoveLocked(this);
        }

        await _manager.Events.DrainAsync().ConfigureAwait(false);
    }

    /// <summary>Adds a listener of an event; several listeners of one event are called in the order they were added.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">Called with the arguments and the acknowledgement (when the server asked for one, <see cref="SocketIOAck.IsRequested"/>).</param>
    public void On(string eventName, SocketIOEventListener listener)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
        {
            if (!_listeners.TryGetValue(eventName, out List<SocketIOEventListener>? list))
            {
                list = [];
                _listeners.Add(eventName, list);
            }

            list.Add(listener);
        }
    }

    /// <summary>Adds a listener of an event that needs no acknowledgement.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="listener">Called with the arguments.</param>
    public void On(string eventName, Action<SocketIOArguments> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        On(eventName, (arguments, _) =>
        {
            listener(arguments);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Removes every listener of an event.</summary>
    /// <param name="eventName">The event name.</param>
    /// <returns>Whether there was any.</returns>
    public bool Off(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        lock (Gate)
        {
            return _listeners.Remove(eventName);
        }
    }

    /// <summary>Adds a listener of every incoming event, called before the event's own listeners.</summary>
    /// <param name="listener">Called with the event name and arguments.</param>
    public void OnAny(Action<string, SocketIOArguments> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
        {
            _any.Add(listener);
        }
    }

    /// <summary>Removes a catch-all listener, or all of them.</summary>
    /// <param name="listener">The listener; <see langword="null"/> for all.</param>
    public void OffAny(Action<string, SocketIOArguments>? listener = null)
    {
        lock (Gate)
        {
            if (listener is null)
            {
                _any.Clear();
            }
            else
            {
                _any.Remove(listener);
            }
        }
    }

    /// <summary>Adds a listener of every outgoing event, called when the packet is actually sent (buffered ones when flushed).</summary>
    /// <param name="listener">Called with the event name and arguments.</param>
    public void OnAnyOutgoing(Action<string, SocketIOArguments> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (Gate)
        {
            _anyOutgoing.Add(listener);
        }
    }

    /// <summary>Removes an outgoing catch-all listener, or all of them.</summary>
    /// <param name="listener">The listener; <see langword="null"/> for all.</param>
    public void OffAnyOutgoing(Action<string, SocketIOArguments>? listener = null)
    {
        lock (Gate)
        {
            if (listener is null)
            {
                _anyOutgoing.Clear();
            }
            else
            {
                _anyOutgoing.Remove(listener);
            }
        }
    }

    /// <summary>
    /// Emits an event. Arguments: <see langword="null"/>, strings, numbers, booleans, <c>byte[]</c> and other binary
    /// buffers (sent as attachments), <see cref="JsonElement"/>, <see cref="JsonNode"/>, and other types through
    /// <see cref="SocketIOClientOptions.JsonSerializerOptions"/>.
    /// </summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="arguments">The arguments; <c>Emit("x", null)</c> sends one <c>null</c> (<c>42["x",null]</c>), as JavaScript's <c>emit("x", null)</c>.</param>
    /// <returns><see langword="true"/> when sent or buffered.</returns>
    public bool Emit(string eventName, params object?[]? arguments) => Emit(eventName, arguments, WriteObjects);

    /// <summary>Emits an event whose arguments a callback writes (what the typed emitters use).</summary>
    /// <typeparam name="TState">The state handed to the callback.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments, called once, before this method returns.</param>
    /// <returns><see langword="true"/> when sent or buffered.</returns>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        EmitCore(eventName, state, writeArguments, isVolatile: false);

    /// <summary>Emits an event and waits for the server's acknowledgement (<see cref="SocketIOClientOptions.AckTimeout"/> applies).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="arguments">The arguments, as for <see cref="Emit(string, object?[])"/>.</param>
    /// <returns>The acknowledgement's arguments.</returns>
    /// <exception cref="SocketIOClientAckTimeoutException">The acknowledgement did not come in time.</exception>
    /// <exception cref="SocketIOClientDisconnectedException">The connection was lost after the event was sent.</exception>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[]? arguments) =>
        EmitWithAckAsync(eventName, arguments, WriteObjects);

    /// <summary>Emits an event whose arguments a callback writes and waits for the server's acknowledgement.</summary>
    /// <typeparam name="TState">The state handed to the callback.</typeparam>
    /// <param name="eventName">The event name.</param>
    /// <param name="state">The state.</param>
    /// <param name="writeArguments">Writes the arguments (called again for each retry when retries are on).</param>
    /// <param name="cancellationToken">Stops waiting (and drops the event if it is still buffered).</param>
    /// <returns>The acknowledgement's arguments.</returns>
    /// <exception cref="SocketIOClientAckTimeoutException">The acknowledgement did not come in time.</exception>
    /// <exception cref="SocketIOClientDisconnectedException">The connection was lost after the event was sent.</exception>
    public Task<SocketIOArguments> EmitWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken = default) =>
        EmitWithAckCore(eventName, state, writeArguments, null, isVolatile: false, cancellationToken);

    internal bool EmitCore<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, bool isVolatile)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        if (_options.Retries > 0 && !isVolatile)
        {
            _ = Enqueue(eventName, state, writeArguments, _options.AckTimeout, withResult: false);
            return true;
        }

        SocketIOEncodedPacket packet = Encode(eventName, state, writeArguments, -1);
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_state == SocketState.Disposed, this);
            return SendOrBufferLocked(eventName, packet, -1, isVolatile);
        }
    }

    internal Task<SocketIOArguments> EmitWithAckCore<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, TimeSpan? timeout, bool isVolatile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        timeout ??= _options.AckTimeout;
        if (_options.Retries > 0 && !isVolatile)
        {
            Task<SocketIOArguments> queued = Enqueue(eventName, state, writeArguments, timeout, withResult: true)!;
            return cancellationToken.CanBeCanceled ? queued.WaitAsync(cancellationToken) : queued;
        }

        long id = Interlocked.Increment(ref _nextAckId);
        SocketIOEncodedPacket packet = Encode(eventName, state, writeArguments, id);
        var result = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ack = new PendingAck(eventName, id, (arguments, error) =>
        {
            if (error is null)
            {
                result.TrySetResult(arguments!);
            }
            else
            {
                result.TrySetException(error);
            }
        });
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(_state == SocketState.Disposed, this);
            RegisterAckLocked(ack, timeout);
            if (!SendOrBufferLocked(eventName, packet, id, isVolatile))
            {
                _acks.Remove(id);
                ack.Complete(null, new SocketIOClientDisconnectedException("volatile packet dropped: not connected or the transport is busy", "volatile"));
            }
        }

        if (cancellationToken.CanBeCanceled && !result.Task.IsCompleted)
        {
            CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                lock (Gate)
                {
                    _acks.Remove(id);
                    _sendBuffer.RemoveAll(o => o.AckId == id);
                }

                result.TrySetCanceled(cancellationToken);
            });
            _ = result.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return result.Task;
    }

    private static void WriteObjects(SocketIOPacketWriter writer, object?[]? arguments)
    {
        arguments ??= [null]; // what C# passes for Emit("x", null): one null argument, as JavaScript's emit("x", null)
        foreach (object? argument in arguments)
        {
            writer.WriteArgument(argument);
        }
    }
}
