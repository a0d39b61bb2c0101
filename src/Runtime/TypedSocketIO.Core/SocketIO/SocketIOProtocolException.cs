namespace TypedSocketIO.SocketIO;

/// <summary>
/// Thrown when a peer sends bytes that are not a valid Socket.IO v5 packet, or that cross a parser limit
/// (<see cref="SocketIOParserOptions"/>). The connection that sent them should be closed with a parse error;
/// the message names the rule that was broken (for example <c>"too many attachments"</c>) and never echoes the input.
/// </summary>
public sealed class SocketIOProtocolException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public SocketIOProtocolException()
        : base("invalid Socket.IO packet")
    {
    }

    /// <summary>Creates the exception with the given message.</summary>
    /// <param name="message">The rule the packet broke.</param>
    public SocketIOProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the given message and the exception that revealed the problem.</summary>
    /// <param name="message">The rule the packet broke.</param>
    /// <param name="innerException">The underlying error, for example a <see cref="System.Text.Json.JsonException"/>.</param>
    public SocketIOProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
