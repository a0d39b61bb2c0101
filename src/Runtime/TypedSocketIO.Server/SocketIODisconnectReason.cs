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

    /// <summary>The connection failed.</summary>
    public const string TransportError = "transport error";

    /// <summary>
    /// The client did not read fast enough: an emit would have crossed the connection's outgoing buffer bound
    /// (<c>EngineIOOptions.MaxOutgoingBufferSize</c>, 1 MiB by default), so the connection was closed. Volatile emits are dropped
    /// long before that (whenever anything waits); <see cref="SocketIOSocket.WaitForCapacityAsync(CancellationToken)"/> lets a
    /// producer wait for room instead. Not one of the official server's reasons (it has no such bound); the client sees its
    /// connection closed.
    /// </summary>
    public const string OutgoingBufferOverflow = "outgoing buffer overflow";

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
