namespace TypedSocketIO.Server;

/// <summary>The reason strings of the official server, given to <see cref="SocketIOSocket.Disconnecting"/> and <see cref="SocketIOSocket.Disconnected"/>.</summary>
public static class SocketIODisconnectReason
{
    /// <summary>The client left the namespace (it sent a DISCONNECT packet, <c>socket.disconnect()</c> on the client).</summary>
    public const string ClientNamespaceDisconnect = "client namespace disconnect";

    /// <summary>The server disconnected the socket with <see cref="SocketIOSocket.Disconnect(bool)"/>.</summary>
    public const string ServerNamespaceDisconnect = "server namespace disconnect";

    /// <summary>The connection was closed by the client or lost.</summary>
    public const string TransportClose = "transport close";

    /// <summary>The connection failed (including an outgoing buffer over its limit).</summary>
    public const string TransportError = "transport error";

    /// <summary>The client did not answer a ping within <c>pingTimeout</c>.</summary>
    public const string PingTimeout = "ping timeout";

    /// <summary>The client sent something that is not valid Engine.IO or Socket.IO; the connection was closed.</summary>
    public const string ParseError = "parse error";

    /// <summary>The server is shutting down.</summary>
    public const string ServerShuttingDown = "server shutting down";

    /// <summary>The Engine.IO session was closed by the server.</summary>
    public const string ForcedClose = "forced close";

    /// <summary>The server closed the whole connection (for example a limit was crossed).</summary>
    public const string ForcedServerClose = "forced server close";
}
