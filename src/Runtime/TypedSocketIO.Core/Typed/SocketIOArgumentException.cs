namespace TypedSocketIO;

/// <summary>
/// An argument of a received event does not fit the parameter it is typed as (missing, or not deserializable). The runtime drops
/// the event, reports it once per connection, counts it, and keeps the connection open: contract version skew must not kill clients.
/// </summary>
public sealed class SocketIOArgumentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketIOArgumentException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What did not fit.</param>
    public SocketIOArgumentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What did not fit.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIOArgumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one argument of one event.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="index">The argument's position, from 0.</param>
    /// <param name="message">What did not fit.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public SocketIOArgumentException(string eventName, int index, string message, Exception? innerException)
        : base(message, innerException)
    {
        EventName = eventName;
        Index = index;
    }

    /// <summary>The event whose argument did not fit.</summary>
    public string? EventName { get; }

    /// <summary>The argument's position, from 0.</summary>
    public int Index { get; }
}
