using System.Text.Json;

namespace TypedSocketIO.Client;

/// <summary>
/// A connection to a namespace failed: the server refused it (a CONNECT_ERROR packet, e.g. from a middleware, with its
/// <see cref="Exception.Message"/> and <see cref="ServerData"/>), or the connection to the server itself failed (then
/// <see cref="Exception.InnerException"/> says why and <see cref="IsServerRefusal"/> is <see langword="false"/>).
/// </summary>
public sealed class SocketIOConnectErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketIOConnectErrorException()
        : this("connect error")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public SocketIOConnectErrorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a failed connection.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">Why the connection failed.</param>
    public SocketIOConnectErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a server's refusal.</summary>
    /// <param name="message">The server's message (<c>err.message</c>).</param>
    /// <param name="data">The server's data (<c>err.data</c>), if any.</param>
    public SocketIOConnectErrorException(string message, JsonElement? data)
        : base(message)
    {
        ServerData = data;
        IsServerRefusal = true;
    }

    /// <summary>
    /// The <c>data</c> the server attached to its refusal (the JavaScript client's <c>err.data</c>), or
    /// <see langword="null"/>. Named so as not to hide <see cref="Exception.Data"/>.
    /// </summary>
    public JsonElement? ServerData { get; }

    /// <summary>Whether the server refused the connection (a CONNECT_ERROR packet), which is final: no reconnection follows.</summary>
    public bool IsServerRefusal { get; }
}
