using System.Text.Json;

namespace TypedSocketIO.TestHost;

/// <summary>The server refused a test client's CONNECT (a middleware threw, the namespace does not exist): its <c>connect_error</c>.</summary>
public sealed class SocketIOTestConnectException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SocketIOTestConnectException()
        : this("The server refused the connection.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SocketIOTestConnectException(string message)
        : base(message)
    {
        ServerMessage = message;
        Namespace = "/";
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SocketIOTestConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
        ServerMessage = message;
        Namespace = "/";
    }

    internal SocketIOTestConnectException(string ns, string serverMessage, JsonElement? serverData)
        : base($"The server refused the connection to {ns}: {serverMessage}")
    {
        Namespace = ns;
        ServerMessage = serverMessage;
        ServerData = serverData;
    }

    /// <summary>The namespace the client tried to join.</summary>
    public string Namespace { get; }

    /// <summary>The <c>message</c> of the server's <c>connect_error</c>.</summary>
    public string ServerMessage { get; }

    /// <summary>The <c>data</c> of the server's <c>connect_error</c>, when it had some.</summary>
    public JsonElement? ServerData { get; }
}
