namespace TypedSocketIO.EngineIO;

/// <summary>The Engine.IO v4 packet types, as the single ASCII digit that starts every text packet.</summary>
public enum EngineIOPacketType : byte
{
    /// <summary><c>0</c>: sent by the server when a session opens, with the handshake JSON.</summary>
    Open = 0,

    /// <summary><c>1</c>: the transport can be closed.</summary>
    Close = 1,

    /// <summary><c>2</c>: heartbeat request (server to client in v4), or <c>2probe</c> during an upgrade.</summary>
    Ping = 2,

    /// <summary><c>3</c>: heartbeat answer, or <c>3probe</c> during an upgrade.</summary>
    Pong = 3,

    /// <summary><c>4</c>: an application message (a Socket.IO packet, for Socket.IO).</summary>
    Message = 4,

    /// <summary><c>5</c>: the client switches to the new transport.</summary>
    Upgrade = 5,

    /// <summary><c>6</c>: no operation; used to release a pending polling request during an upgrade.</summary>
    Noop = 6,
}
