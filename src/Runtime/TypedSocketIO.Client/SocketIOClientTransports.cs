namespace TypedSocketIO.Client;

/// <summary>The transports the client may use.</summary>
[Flags]
public enum SocketIOClientTransports
{
    /// <summary>HTTP long-polling.</summary>
    Polling = 1,

    /// <summary>WebSocket.</summary>
    WebSocket = 2,

    /// <summary>Both: the session opens over polling and upgrades to WebSocket when the server offers it (the default).</summary>
    All = Polling | WebSocket,
}
