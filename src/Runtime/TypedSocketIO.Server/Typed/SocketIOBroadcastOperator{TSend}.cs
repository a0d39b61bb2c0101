using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// A selection of sockets (rooms, exceptions, flags) seen through the contract of the events sent to them:
/// <c>io.To("lobby").Emit.Method(…)</c>; the packet is encoded once. Immutable: each method returns a new selection.
/// </summary>
/// <typeparam name="TSend">The contract of the events sent to the clients.</typeparam>
public readonly struct SocketIOBroadcastOperator<TSend> : ISocketIOBroadcastTarget<TSend>, IEquatable<SocketIOBroadcastOperator<TSend>>
{
    internal SocketIOBroadcastOperator(SocketIOBroadcastOperator untyped)
    {
        Untyped = untyped;
    }

    /// <summary>The untyped selection.</summary>
    public SocketIOBroadcastOperator Untyped { get; }

    /// <inheritdoc cref="SocketIOBroadcastOperator.Volatile"/>
    public SocketIOBroadcastOperator<TSend> Volatile => new(Untyped.Volatile);

    /// <inheritdoc cref="SocketIOBroadcastOperator.Local"/>
    public SocketIOBroadcastOperator<TSend> Local => new(Untyped.Local);

    /// <inheritdoc cref="SocketIOBroadcastOperator.To(string)"/>
    public SocketIOBroadcastOperator<TSend> To(string room) => new(Untyped.To(room));

    /// <inheritdoc cref="SocketIOBroadcastOperator.To(IEnumerable{string})"/>
    public SocketIOBroadcastOperator<TSend> To(IEnumerable<string> rooms) => new(Untyped.To(rooms));

    /// <inheritdoc cref="SocketIOBroadcastOperator.In(string)"/>
    public SocketIOBroadcastOperator<TSend> In(string room) => new(Untyped.In(room));

    /// <inheritdoc cref="SocketIOBroadcastOperator.Except(string)"/>
    public SocketIOBroadcastOperator<TSend> Except(string room) => new(Untyped.Except(room));

    /// <inheritdoc cref="SocketIOBroadcastOperator.Except(IEnumerable{string})"/>
    public SocketIOBroadcastOperator<TSend> Except(IEnumerable<string> rooms) => new(Untyped.Except(rooms));

    /// <inheritdoc cref="SocketIOBroadcastOperator.Timeout(TimeSpan)"/>
    public SocketIOBroadcastOperator<TSend> Timeout(TimeSpan timeout) => new(Untyped.Timeout(timeout));

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOBroadcastOperator<TSend> Compress(bool compress) => new(Untyped.Compress(compress));

    /// <inheritdoc cref="SocketIOBroadcastOperator.FetchSocketsAsync(CancellationToken)"/>
    public ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(CancellationToken cancellationToken = default) => Untyped.FetchSocketsAsync(cancellationToken);

    /// <inheritdoc cref="SocketIOBroadcastOperator.SocketsJoin(string)"/>
    public void SocketsJoin(string room) => Untyped.SocketsJoin(room);

    /// <inheritdoc cref="SocketIOBroadcastOperator.SocketsLeave(string)"/>
    public void SocketsLeave(string room) => Untyped.SocketsLeave(room);

    /// <inheritdoc cref="SocketIOBroadcastOperator.DisconnectSockets(bool)"/>
    public void DisconnectSockets(bool close = false) => Untyped.DisconnectSockets(close);

    /// <inheritdoc/>
    public bool Equals(SocketIOBroadcastOperator<TSend> other) => ReferenceEquals(Untyped, other.Untyped);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SocketIOBroadcastOperator<TSend> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Untyped?.GetHashCode() ?? 0;

    /// <summary>Compares two selections.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are the same selection.</returns>
    public static bool operator ==(SocketIOBroadcastOperator<TSend> left, SocketIOBroadcastOperator<TSend> right) => left.Equals(right);

    /// <summary>Compares two selections.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SocketIOBroadcastOperator<TSend> left, SocketIOBroadcastOperator<TSend> right) => !left.Equals(right);

    bool ISocketIOBroadcastTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Emit(eventName, state, writeArguments);

    Task<IReadOnlyList<AckResult<SocketIOArguments>>> ISocketIOBroadcastTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.EmitWithAckResultsAsync(eventName, state, writeArguments, cancellationToken);
}
