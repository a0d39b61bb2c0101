namespace TypedSocketIO.Client;

/// <summary>The server did not acknowledge an emit in time (after every try, when retries are on).</summary>
public sealed class SocketIOClientAckTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public SocketIOClientAckTimeoutException()
        : this("operation has timed out")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SocketIOClientAckTimeoutException(string message)
        : base(message)
    {
        EventName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIOClientAckTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
        EventName = string.Empty;
    }

    /// <summary>Creates the exception for an event.</summary>
    /// <param name="eventName">The event that was not acknowledged.</param>
    /// <param name="timeout">The timeout that passed.</param>
    public SocketIOClientAckTimeoutException(string eventName, TimeSpan timeout)
        : base($"operation has timed out: \"{eventName}\" was not acknowledged within {timeout.TotalMilliseconds:0} ms")
    {
        EventName = eventName;
        Timeout = timeout;
    }

    /// <summary>The event that was not acknowledged.</summary>
    public string EventName { get; }

    /// <summary>The timeout that passed.</summary>
    public TimeSpan Timeout { get; }
}
