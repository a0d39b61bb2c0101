namespace TypedSocketIO.EngineIO;

/// <summary>The transports an Engine.IO server accepts.</summary>
[Flags]
public enum EngineIOTransports
{
    /// <summary>HTTP long-polling (<c>transport=polling</c>).</summary>
    Polling = 1,

    /// <summary>WebSocket (<c>transport=websocket</c>), directly or by upgrading a polling session.</summary>
    WebSocket = 2,

    /// <summary>Both transports (the default).</summary>
    All = Polling | WebSocket,
}
