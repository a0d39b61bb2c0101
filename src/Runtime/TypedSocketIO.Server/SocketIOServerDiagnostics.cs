namespace TypedSocketIO.Server;

/// <summary>
/// Live counts of a Socket.IO server, readable at any time (a snapshot; each property is read independently). The same
/// values are published as <c>System.Diagnostics.Metrics</c> instruments of the meter <c>TypedSocketIO.Server</c>.
/// </summary>
public sealed class SocketIOServerDiagnostics
{
    private readonly SocketIOServer _server;

    internal SocketIOServerDiagnostics(SocketIOServer server) => _server = server;

    /// <summary>The Engine.IO connections served by the Socket.IO server.</summary>
    public int ConnectionCount => _server.ClientCount;

    /// <summary>Whether <see cref="SocketIOServer.ShutdownAsync"/> has started (the host is stopping).</summary>
    public bool IsShuttingDown => _server.IsShuttingDown;

    /// <summary>The open Engine.IO sessions of the endpoints mapped with <c>MapSocketIO</c> (polling and WebSocket).</summary>
    public int EngineIOSessionCount => _server.Engines.Sum(engine => engine.SessionCount);

    /// <summary>
    /// The heartbeat timers running for the endpoints mapped with <c>MapSocketIO</c>: one per endpoint from mapping until the
    /// application's container is disposed, 0 after.
    /// </summary>
    public int HeartbeatTimerCount => _server.Engines.Count(engine => engine.IsHeartbeatRunning);

    /// <summary>The sockets connected, across namespaces.</summary>
    public int SocketCount => _server.NamespaceSnapshot().Sum(ns => ns.Sockets.Count);

    /// <summary>The rooms with at least one local socket, across namespaces (each socket's own id room included).</summary>
    public int RoomCount => _server.NamespaceSnapshot().Sum(ns => ns.Adapter.RoomCount);

    /// <summary>The server→client acknowledgements waiting, across sockets (broadcasts count once per socket).</summary>
    public long PendingAckCount => _server.Counters.PendingAcks;

    /// <summary>The connections with a binary packet whose attachments have not all arrived.</summary>
    public int PendingBinaryPacketCount => _server.CountPendingBinaryPackets();

    /// <summary>The connections closed because the client sent something invalid, since the server started.</summary>
    public long ProtocolErrorCount => _server.Counters.ProtocolErrors;

    /// <summary>
    /// The events dropped because an argument did not fit its typed parameter (<see cref="SocketIOArgumentException"/>), since the
    /// server started. The connection stays open in that case.
    /// </summary>
    public long InvalidArgumentCount => _server.Counters.InvalidArguments;

    /// <summary>The sockets connected to a namespace (0 when it does not exist).</summary>
    /// <param name="ns">The namespace name.</param>
    /// <returns>The count.</returns>
    public int GetSocketCount(string ns) => _server.TryGetNamespace(ns, out SocketIONamespace? found) ? found.Sockets.Count : 0;

    /// <summary>The rooms of a namespace (0 when it does not exist).</summary>
    /// <param name="ns">The namespace name.</param>
    /// <returns>The count.</returns>
    public int GetRoomCount(string ns) => _server.TryGetNamespace(ns, out SocketIONamespace? found) ? found.Adapter.RoomCount : 0;
}
