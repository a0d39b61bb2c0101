namespace TypedSocketIO.Server;

/// <summary>
/// A connected socket seen through its two contracts: <c>socket.On.Method(handler)</c> for the events the client sends
/// (<typeparamref name="TReceive"/>) and <c>socket.Emit.Method(…)</c> for the events the server sends (<typeparamref name="TSend"/>).
/// </summary>
/// <typeparam name="TReceive">The contract of the events received from the client.</typeparam>
/// <typeparam name="TSend">The contract of the events sent to the client.</typeparam>
public sealed class SocketIOSocket<TReceive, TSend> : SocketIOSocket<TSend>, ISocketIOListenerTarget<TReceive>
{
    private SocketIOSocket(SocketIOSocket socket)
        : base(socket)
    {
    }

    /// <summary>The typed view of <paramref name="socket"/> (one per socket and pair of contracts).</summary>
    /// <param name="socket">The untyped socket.</param>
    /// <returns>The typed view.</returns>
    internal static SocketIOSocket<TReceive, TSend> For(SocketIOSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.TypedView is SocketIOSocket<TReceive, TSend> typed)
        {
            return typed;
        }

        var created = new SocketIOSocket<TReceive, TSend>(socket);
        return Interlocked.CompareExchange(ref socket.TypedView, created, null) as SocketIOSocket<TReceive, TSend> ?? created;
    }

    void ISocketIOListenerTarget<TReceive>.Listen(string eventName, SocketIOEventListener listener) => Untyped.On(eventName, listener);
}
