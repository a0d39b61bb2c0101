namespace TypedSocketIO.Server;

/// <summary>The socket was disconnected (or was not connected) while an acknowledgement was awaited from it.</summary>
public sealed class SocketIODisconnectedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SocketIODisconnectedException()
        : base("The socket has been disconnected.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SocketIODisconnectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIODisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static SocketIODisconnectedException ForReason(string? reason) =>
        new(reason is null ? "The socket is not connected." : $"The socket has been disconnected ({reason}).") { Reason = reason };

    /// <summary>The disconnect reason (one of <see cref="SocketIODisconnectReason"/>), when known.</summary>
    public string? Reason { get; private init; }
}
