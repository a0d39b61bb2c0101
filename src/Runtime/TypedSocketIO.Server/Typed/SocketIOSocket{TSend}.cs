using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// A connected socket seen through the contract of the events the server sends it: <c>socket.Emit.Method(…)</c>,
/// <c>socket.Broadcast.Emit.Method(…)</c>, <c>socket.To("room").Emit.Method(…)</c>, <c>socket.Timeout(t).Emit.AckMethod(…)</c>.
/// </summary>
/// <typeparam name="TSend">The contract of the events sent to the client.</typeparam>
public class SocketIOSocket<TSend> : ISocketIOTarget<TSend>
{
    internal SocketIOSocket(SocketIOSocket socket)
    {
        Untyped = socket;
    }

    /// <summary>The untyped socket, for everything the contracts do not describe.</summary>
    public SocketIOSocket Untyped { get; }

    /// <inheritdoc cref="SocketIOSocket.Id"/>
    public string Id => Untyped.Id;

    /// <inheritdoc cref="SocketIOSocket.Handshake"/>
    public SocketIOHandshake Handshake => Untyped.Handshake;

    /// <inheritdoc cref="SocketIOSocket.Data"/>
    public object? Data
    {
        get => Untyped.Data;
        set => Untyped.Data = value;
    }

    /// <inheritdoc cref="SocketIOSocket.Connected"/>
    public bool Connected => Untyped.Connected;

    /// <inheritdoc cref="SocketIOSocket.Rooms"/>
    public IReadOnlyCollection<string> Rooms => Untyped.Rooms;

    /// <inheritdoc cref="SocketIOSocket.DisconnectedToken"/>
    public CancellationToken DisconnectedToken => Untyped.DisconnectedToken;

    /// <summary>Every other socket of the namespace (all but this one).</summary>
    public SocketIOBroadcastOperator<TSend> Broadcast => new(Untyped.Broadcast);

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOSocketEmitter<TSend> Compress(bool compress) => new(Untyped.Compress(compress));

    /// <summary>Events sent through it are dropped rather than queued when the transport is busy.</summary>
    public SocketIOSocketEmitter<TSend> Volatile => new(Untyped.Volatile);

    /// <summary>Acknowledgements of events sent through it fail with <see cref="SocketIOAckTimeoutException"/> after <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait for each acknowledgement.</param>
    /// <returns>A target with that timeout.</returns>
    public SocketIOSocketEmitter<TSend> Timeout(TimeSpan timeout) => new(Untyped.Timeout(timeout));

    /// <summary>The other sockets in <paramref name="room"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> To(string room) => new(Untyped.To(room));

    /// <summary>The other sockets in any of <paramref name="rooms"/> (each once).</summary>
    /// <param name="rooms">The rooms.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> To(IEnumerable<string> rooms) => new(Untyped.To(rooms));

    /// <inheritdoc cref="To(string)"/>
    public SocketIOBroadcastOperator<TSend> In(string room) => To(room);

    /// <summary>Every other socket of the namespace except those in <paramref name="room"/>.</summary>
    /// <param name="room">The room.</param>
    /// <returns>The selection.</returns>
    public SocketIOBroadcastOperator<TSend> Except(string room) => new(Untyped.Except(room));

    /// <inheritdoc cref="SocketIOSocket.Join(string)"/>
    public void Join(string room) => Untyped.Join(room);

    /// <inheritdoc cref="SocketIOSocket.Join(IEnumerable{string})"/>
    public void Join(IEnumerable<string> rooms) => Untyped.Join(rooms);

    /// <inheritdoc cref="SocketIOSocket.Leave(string)"/>
    public void Leave(string room) => Untyped.Leave(room);

    /// <inheritdoc cref="SocketIOSocket.BufferedAmount"/>
    public int BufferedAmount => Untyped.BufferedAmount;

    /// <inheritdoc cref="SocketIOSocket.WaitForCapacityAsync(CancellationToken)"/>
    public ValueTask WaitForCapacityAsync(CancellationToken cancellationToken = default) => Untyped.WaitForCapacityAsync(cancellationToken);

    /// <inheritdoc cref="SocketIOSocket.WaitForCapacityAsync(int, CancellationToken)"/>
    public ValueTask WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken = default) => Untyped.WaitForCapacityAsync(maxBufferedBytes, cancellationToken);

    /// <inheritdoc cref="SocketIOSocket.Disconnect(bool)"/>
    public void Disconnect(bool close = false) => Untyped.Disconnect(close);

    /// <summary>Returns the socket id.</summary>
    /// <returns>The socket id.</returns>
    public override string ToString() => Id;

    bool ISocketIOTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Emit(eventName, state, writeArguments);

    Task<SocketIOArguments> ISocketIOTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);
}
