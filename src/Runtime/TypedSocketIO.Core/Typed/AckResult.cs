namespace TypedSocketIO;

/// <summary>How one recipient of a broadcast with acknowledgements answered.</summary>
public enum AckStatus
{
    /// <summary>The recipient acknowledged; its answer is in the result.</summary>
    Acknowledged,

    /// <summary>The recipient did not answer before the broadcast's timeout.</summary>
    TimedOut,

    /// <summary>The recipient disconnected before answering (known for the sockets of this server only).</summary>
    Disconnected,

    /// <summary>The recipient answered with arguments that could not be read as the contract's acknowledgement type.</summary>
    Invalid,
}

/// <summary>
/// The answer of one recipient of a broadcast with acknowledgements whose acknowledgement carries no value:
/// <c>io.To("room").Timeout(t).Emit.Ready()</c> gives one per targeted socket.
/// </summary>
public readonly struct AckResult : IEquatable<AckResult>
{
    /// <summary>Creates a result.</summary>
    /// <param name="socketId">The recipient's socket id, or <see langword="null"/> when another server of the cluster did not say it.</param>
    /// <param name="status">How it answered.</param>
    /// <param name="error">Why its answer could not be read, for <see cref="AckStatus.Invalid"/>.</param>
    public AckResult(string? socketId, AckStatus status, Exception? error = null)
    {
        SocketId = socketId;
        Status = status;
        Error = error;
    }

    /// <summary>
    /// The recipient's socket id. <see langword="null"/> for a socket of another server of the cluster whose answer came without its
    /// id (the official adapters relay only the answer) or that did not answer in time (only their number is known).
    /// </summary>
    public string? SocketId { get; }

    /// <summary>How the recipient answered.</summary>
    public AckStatus Status { get; }

    /// <summary>Whether the recipient acknowledged.</summary>
    public bool IsAcknowledged => Status == AckStatus.Acknowledged;

    /// <summary>Why the answer could not be read (<see cref="AckStatus.Invalid"/>); otherwise <see langword="null"/>.</summary>
    public Exception? Error { get; }

    /// <inheritdoc/>
    public bool Equals(AckResult other) => SocketId == other.SocketId && Status == other.Status && Equals(Error, other.Error);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AckResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(SocketId, Status, Error);

    /// <inheritdoc/>
    public override string ToString() => $"{SocketId ?? "(remote)"}: {Status}";

    /// <summary>Compares two results.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(AckResult left, AckResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AckResult left, AckResult right) => !left.Equals(right);
}

/// <summary>
/// The answer of one recipient of a broadcast with acknowledgements: <c>io.To("room").Timeout(t).Emit.Confirm(x)</c> gives one per
/// targeted socket, with the socket id and either the typed value or why there is none.
/// </summary>
/// <typeparam name="T">The acknowledgement's type in the contract.</typeparam>
public readonly struct AckResult<T> : IEquatable<AckResult<T>>
{
    private readonly T _value;

    /// <summary>Creates a result.</summary>
    /// <param name="socketId">The recipient's socket id, or <see langword="null"/> when another server of the cluster did not say it.</param>
    /// <param name="status">How it answered.</param>
    /// <param name="value">Its answer, for <see cref="AckStatus.Acknowledged"/>.</param>
    /// <param name="error">Why its answer could not be read, for <see cref="AckStatus.Invalid"/>.</param>
    public AckResult(string? socketId, AckStatus status, T value, Exception? error = null)
    {
        SocketId = socketId;
        Status = status;
        _value = value;
        Error = error;
    }

    /// <inheritdoc cref="AckResult.SocketId"/>
    public string? SocketId { get; }

    /// <inheritdoc cref="AckResult.Status"/>
    public AckStatus Status { get; }

    /// <inheritdoc cref="AckResult.IsAcknowledged"/>
    public bool IsAcknowledged => Status == AckStatus.Acknowledged;

    /// <inheritdoc cref="AckResult.Error"/>
    public Exception? Error { get; }

    /// <summary>The recipient's answer.</summary>
    /// <exception cref="InvalidOperationException">The recipient did not acknowledge (see <see cref="Status"/>).</exception>
    public T Value => IsAcknowledged
        ? _value
        : throw new InvalidOperationException(Status switch
        {
            AckStatus.TimedOut => $"Socket {SocketId ?? "(of another server)"} did not acknowledge in time: there is no value.",
            AckStatus.Disconnected => $"Socket {SocketId} disconnected before acknowledging: there is no value.",
            _ => $"Socket {SocketId ?? "(of another server)"} answered with arguments that are not a {typeof(T).Name}: {Error?.Message}",
        }, Error);

    /// <summary>Gets the answer when the recipient acknowledged.</summary>
    /// <param name="value">The answer, or <see langword="default"/>.</param>
    /// <returns>Whether the recipient acknowledged.</returns>
    public bool TryGetValue(out T value)
    {
        value = _value;
        return IsAcknowledged;
    }

    /// <inheritdoc/>
    public bool Equals(AckResult<T> other) =>
        SocketId == other.SocketId && Status == other.Status && EqualityComparer<T>.Default.Equals(_value, other._value) && Equals(Error, other.Error);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AckResult<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(SocketId, Status, _value, Error);

    /// <inheritdoc/>
    public override string ToString() => IsAcknowledged ? $"{SocketId ?? "(remote)"}: {_value}" : $"{SocketId ?? "(remote)"}: {Status}";

    /// <summary>Compares two results.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(AckResult<T> left, AckResult<T> right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">One.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AckResult<T> left, AckResult<T> right) => !left.Equals(right);
}
