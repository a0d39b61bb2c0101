using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <summary>
/// The typed emits of a <see cref="SocketIOClient{TReceive, TSend}"/> with flags (timeout, volatile): the generated
/// <c>Emit</c> extension property of <typeparamref name="TSend"/> binds to it, e.g.
/// <c>await client.Timeout(TimeSpan.FromSeconds(5)).Emit.Join("lobby")</c>.
/// </summary>
/// <typeparam name="TSend">The contract of the events the client sends.</typeparam>
public readonly struct SocketIOClientEmitter<TSend> : ISocketIOTarget<TSend>, IEquatable<SocketIOClientEmitter<TSend>>
{
    internal SocketIOClientEmitter(SocketIOClientEmitter untyped)
    {
        Untyped = untyped;
    }

    /// <summary>The untyped emitter with the same flags.</summary>
    public SocketIOClientEmitter Untyped { get; }

    /// <summary>The same emitter, volatile.</summary>
    public SocketIOClientEmitter<TSend> Volatile => new(Untyped.Volatile);

    /// <summary>The same emitter with an acknowledgement timeout.</summary>
    /// <param name="timeout">How long to wait for the acknowledgement.</param>
    /// <returns>The emitter.</returns>
    public SocketIOClientEmitter<TSend> Timeout(TimeSpan timeout) => new(Untyped.Timeout(timeout));

    /// <inheritdoc/>
    public bool Equals(SocketIOClientEmitter<TSend> other) => Untyped.Equals(other.Untyped);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SocketIOClientEmitter<TSend> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Untyped.GetHashCode();

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are the same.</returns>
    public static bool operator ==(SocketIOClientEmitter<TSend> left, SocketIOClientEmitter<TSend> right) => left.Equals(right);

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SocketIOClientEmitter<TSend> left, SocketIOClientEmitter<TSend> right) => !left.Equals(right);

    bool ISocketIOTarget<TSend>.Send<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Untyped.Emit(eventName, state, writeArguments);

    Task<SocketIOArguments> ISocketIOTarget<TSend>.SendWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken) =>
        Untyped.EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);
}
