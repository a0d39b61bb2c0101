namespace TypedSocketIO.Server;

/// <summary>
/// An acknowledgement requested with <c>Timeout(…)</c> did not arrive in time. For a broadcast, the responses that did
/// arrive are in <see cref="Responses"/>.
/// </summary>
public sealed class SocketIOAckTimeoutException : TimeoutException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SocketIOAckTimeoutException()
        : this("The acknowledgement did not arrive in time.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SocketIOAckTimeoutException(string message)
        : base(message)
    {
        Responses = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIOAckTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        Responses = [];
    }

    internal SocketIOAckTimeoutException(string eventName, TimeSpan timeout, IReadOnlyList<TypedSocketIO.SocketIO.SocketIOArguments> responses, int expected)
        : base(expected < 0
            ? $"The client did not acknowledge \"{eventName}\" within {timeout.TotalMilliseconds} ms."
            : $"{expected - responses.Count} of {expected} clients did not acknowledge \"{eventName}\" within {timeout.TotalMilliseconds} ms.")
    {
        EventName = eventName;
        Timeout = timeout;
        Responses = responses;
        ExpectedCount = expected;
    }

    /// <summary>How many answers a broadcast waited for (-1 for one socket), to put the parts of a parent namespace's broadcast together.</summary>
    internal int ExpectedCount { get; } = -1;

    /// <summary>The event that was not acknowledged, when known.</summary>
    public string? EventName { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>For a broadcast, the acknowledgements that arrived before the timeout; otherwise empty.</summary>
    public IReadOnlyList<TypedSocketIO.SocketIO.SocketIOArguments> Responses { get; }
}
