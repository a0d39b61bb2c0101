using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>One socket with flags (a timeout for acknowledgements, volatile): <c>socket.Timeout(t).Emit.Method(…)</c>.</summary>
/// <typeparam name="TSend">The contract of the events sent to the client.</typeparam>
public readonly struct SocketIOSocketEmitter<TSend> : ISocketIOTarget<TSend>, IEquatable<SocketIOSocketEmitter<TSend>>
{
    internal SocketIOSocketEmitter(SocketIOSocketEmitter untyped)
    {
        Untyped = untyped;
    }

    /// <summary>The untyped emitter with the same flags.</summary>
    public SocketIOSocketEmitter Untyped { get; }

    /// <summary>The same, with volatile sends.</summary>
    public SocketIOSocketEmitter<TSend> Volatile => new(Untyped.Volatile);

    /// <summary>The same, with a timeout for acknowledgements.</summary>
    /// <param name="timeout">How long to wait for each acknowledgement.</param>
    /// <returns>The emitter.</returns>
    public SocketIOSocketEmitter<TSend> Timeout(TimeSpan timeout) => new(Untyped.Timeout(timeout));

    /// <inheritdoc cref="SocketIOSocketEmitter.Compress(bool)"/>
    public SocketIOSocketEmitter<TSend> Compress(bool compress) => new(Untyped.Compress(compress));

    /// <inheritdoc/>
    public bool Equals(SocketIOSocketEmitter<TSend> other) => Untyped.Equals(other.Untyped);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SocketIOSocketEmitter<TSend> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Untyped.GetHashCode();

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SocketIOSocketEmitter<TSend> left, SocketIOSocketEmitter<TSend> right) => left.Equals(right);

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SocketIOSocketEmitter<TSend> left, SocketIOSocketEmitter<TSend> right) => !left.Equals(right);

    bool ISocketIOTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Emit(eventName, state, writeArguments);

    Task<SocketIOArguments> ISocketIOTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);
}
