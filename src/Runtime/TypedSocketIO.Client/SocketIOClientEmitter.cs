using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client;

/// <summary>
/// The emits of a <see cref="SocketIOClient"/> with flags: an acknowledgement timeout (<see cref="SocketIOClient.Timeout"/>)
/// and/or volatile (<see cref="SocketIOClient.Volatile"/>). A small value; make one per emit.
/// </summary>
public readonly struct SocketIOClientEmitter : IEquatable<SocketIOClientEmitter>
{
    private readonly SocketIOClient _client;
    private readonly TimeSpan? _timeout;
    private readonly bool _volatile;

    internal SocketIOClientEmitter(SocketIOClient client, TimeSpan? timeout, bool isVolatile)
    {
        _client = client;
        _timeout = timeout;
        _volatile = isVolatile;
    }

    /// <summary>The same emitter, volatile: the packet is dropped rather than buffered when it cannot be written at once.</summary>
    public SocketIOClientEmitter Volatile => new(_client, _timeout, isVolatile: true);

    /// <summary>The same emitter with an acknowledgement timeout.</summary>
    /// <param name="timeout">How long to wait for the acknowledgement.</param>
    /// <returns>The emitter.</returns>
    public SocketIOClientEmitter Timeout(TimeSpan timeout) => new(_client, CheckTimeout(timeout), _volatile);

    /// <inheritdoc cref="SocketIOClient.Emit(string, object?[])"/>
    public bool Emit(string eventName, params object?[]? arguments) => Emit(eventName, arguments, WriteObjects);

    /// <inheritdoc cref="SocketIOClient.Emit{TState}(string, TState, SocketIOArgumentsWriter{TState})"/>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) =>
        Client.EmitCore(eventName, state, writeArguments, _volatile);

    /// <inheritdoc cref="SocketIOClient.EmitWithAckAsync(string, object?[])"/>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[]? arguments) =>
        EmitWithAckAsync(eventName, arguments, WriteObjects);

    /// <inheritdoc cref="SocketIOClient.EmitWithAckAsync{TState}(string, TState, SocketIOArgumentsWriter{TState}, CancellationToken)"/>
    public Task<SocketIOArguments> EmitWithAckAsync<TState>(
        string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments, CancellationToken cancellationToken = default) =>
        Client.EmitWithAckCore(eventName, state, writeArguments, _timeout, _volatile, cancellationToken);

    /// <inheritdoc/>
    public bool Equals(SocketIOClientEmitter other) =>
        ReferenceEquals(_client, other._client) && _timeout == other._timeout && _volatile == other._volatile;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SocketIOClientEmitter other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_client, _timeout, _volatile);

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they emit through the same client with the same flags.</returns>
    public static bool operator ==(SocketIOClientEmitter left, SocketIOClientEmitter right) => left.Equals(right);

    /// <summary>Compares two emitters.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SocketIOClientEmitter left, SocketIOClientEmitter right) => !left.Equals(right);

    internal static TimeSpan CheckTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(timeout));
        return timeout;
    }

    private SocketIOClient Client => _client ?? throw new InvalidOperationException("This emitter was not obtained from a SocketIOClient.");

    private static void WriteObjects(SocketIOPacketWriter writer, object?[]? arguments)
    {
        arguments ??= [null]; // what C# passes for Emit("x", null): one null argument, as JavaScript's emit("x", null)
        foreach (object? argument in arguments)
        {
            writer.WriteArgument(argument);
        }
    }
}
