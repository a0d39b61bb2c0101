namespace TypedSocketIO.Server;

/// <summary>
/// The base of a handler class: a class that implements a receiving contract (e.g. <c>IChatServer</c>) and derives from
/// <c>SocketHandler&lt;IChatClient&gt;</c>, registered with <c>ns.UseHandler&lt;ChatHandler&gt;()</c>. Like a SignalR hub, an instance
/// handles one call: each event (and <see cref="OnConnectedAsync"/>, and <see cref="OnDisconnectedAsync"/>) gets a new instance
/// created from dependency injection in a new scope, both disposed once the call has completed; so scoped services (a
/// <c>DbContext</c>) live for one event. Keep per-socket state in <see cref="Items"/> (or <c>Socket.Data</c>), not in fields.
/// A socket's events run concurrently only if their handlers await.
/// </summary>
/// <typeparam name="TSend">The contract of the events sent to the client.</typeparam>
public abstract class SocketHandler<TSend>
{
    private SocketIOSocket<TSend>? _socket;

    /// <summary>The socket this instance serves: <c>Socket.Emit.Method(…)</c>, <c>Socket.Broadcast.Emit.Method(…)</c>, <c>Socket.Join(…)</c>.</summary>
    /// <exception cref="InvalidOperationException">Read in the constructor, before the socket is attached.</exception>
    protected SocketIOSocket<TSend> Socket =>
        _socket ?? throw new InvalidOperationException("The socket is attached after the handler is constructed: use it from OnConnectedAsync or an event method, not from the constructor.");

    /// <summary>Per-socket state that outlives this instance: the socket's <see cref="SocketIOSocket.Items"/>.</summary>
    /// <exception cref="InvalidOperationException">Read in the constructor.</exception>
    protected System.Collections.Concurrent.ConcurrentDictionary<object, object?> Items => Socket.Untyped.Items;

    /// <summary>Runs once the socket is connected and its events are bound (on an instance of its own, when overridden).</summary>
    /// <returns>A task.</returns>
    public virtual ValueTask OnConnectedAsync() => ValueTask.CompletedTask;

    /// <summary>Runs when the socket disconnects (on an instance of its own, disposed after it, when overridden).</summary>
    /// <param name="reason">The official reason string, e.g. <c>client namespace disconnect</c> or <c>ping timeout</c>.</param>
    /// <returns>A task.</returns>
    public virtual ValueTask OnDisconnectedAsync(string reason) => ValueTask.CompletedTask;

    internal void Attach(SocketIOSocket<TSend> socket) => _socket = socket;
}
