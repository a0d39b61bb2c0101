namespace TypedSocketIO.Server;

/// <summary>
/// The base of a handler class: a class that implements a receiving contract (e.g. <c>IChatServer</c>) and derives from
/// <c>SocketHandler&lt;IChatClient&gt;</c>, registered with <c>ns.UseHandler&lt;ChatHandler&gt;()</c>. Like a SignalR hub, but with one
/// instance per connected socket: it is created from dependency injection (constructor injection, in a scope that lives as long
/// as the socket), so it may keep per-connection state in fields; its events run concurrently only if their handlers await.
/// </summary>
/// <typeparam name="TSend">The contract of the events sent to the client.</typeparam>
public abstract class SocketHandler<TSend>
{
    private SocketIOSocket<TSend>? _socket;

    /// <summary>The socket this instance serves: <c>Socket.Emit.Method(…)</c>, <c>Socket.Broadcast.Emit.Method(…)</c>, <c>Socket.Join(…)</c>.</summary>
    /// <exception cref="InvalidOperationException">Read in the constructor, before the socket is attached.</exception>
    protected SocketIOSocket<TSend> Socket =>
        _socket ?? throw new InvalidOperationException("The socket is attached after the handler is constructed: use it from OnConnectedAsync or an event method, not from the constructor.");

    /// <summary>Runs once the socket is attached and its events are bound, before the first event reaches this instance.</summary>
    /// <returns>A task.</returns>
    public virtual ValueTask OnConnectedAsync() => ValueTask.CompletedTask;

    /// <summary>Runs when the socket disconnects, before the instance is disposed.</summary>
    /// <param name="reason">The official reason string, e.g. <c>client namespace disconnect</c> or <c>ping timeout</c>.</param>
    /// <returns>A task.</returns>
    public virtual ValueTask OnDisconnectedAsync(string reason) => ValueTask.CompletedTask;

    internal void Attach(SocketIOSocket<TSend> socket) => _socket = socket;
}
