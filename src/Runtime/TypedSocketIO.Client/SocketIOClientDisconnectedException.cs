namespace TypedSocketIO.Client;

/// <summary>
/// An acknowledgement will never come: the client was disconnected after the event was sent (the JavaScript client's
/// "socket has been disconnected"), or the client was disconnected or disposed while waiting to connect.
/// </summary>
public sealed class SocketIOClientDisconnectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketIOClientDisconnectedException()
        : this("socket has been disconnected")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SocketIOClientDisconnectedException(string message)
        : base(message)
    {
        Reason = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIOClientDisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = string.Empty;
    }

    /// <summary>Creates the exception with the disconnect reason.</summary>
    /// <param name="message">The message.</param>
    /// <param name="reason">The disconnect reason, e.g. <c>transport close</c>.</param>
    public SocketIOClientDisconnectedException(string message, string reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>The disconnect reason, e.g. <c>transport close</c> or <c>io client disconnect</c>.</summary>
    public string Reason { get; }
}
