namespace TypedSocketIO.Server;

/// <summary>
/// Sees the life of a server's connections, sockets and rooms, for an instrumentation such as the admin UI package
/// (<c>TypedSocketIO.AdminUI</c>, the official <c>instrument(io)</c>). At most one per server
/// (<see cref="SocketIOServer.Observer"/>); when there is none, each call site costs one null check. Every call is made on the
/// thread where the thing happens, outside the locks of the server and of the adapter: it must be quick and must not throw.
/// </summary>
internal interface ISocketIOServerObserver
{
    /// <summary>An Engine.IO connection opened (the official engine's <c>connection</c> event).</summary>
    void OnConnectionOpened(SocketIOClientConnection connection);

    /// <summary>An Engine.IO connection closed, after its sockets disconnected (the official raw socket's <c>close</c> event).</summary>
    void OnConnectionClosed(SocketIOClientConnection connection, string reason);

    /// <summary>A message with data came from a client (the official raw socket's <c>packet</c> event).</summary>
    void OnMessageReceived(int byteCount);

    /// <summary>A Socket.IO packet was queued to a client (the official raw socket's <c>packetCreate</c> event, once per message).</summary>
    void OnPacketSent(int messageCount, int byteCount);

    /// <summary>
    /// A socket connected: it is in its own room, its client has the CONNECT answer, and no connection handler of its namespace
    /// ran yet (the official admin UI prepends its <c>connection</c> listener).
    /// </summary>
    void OnSocketConnected(SocketIOSocket socket);

    /// <summary>A local socket joined a room it was not in (the official adapter's <c>join-room</c> event).</summary>
    void OnRoomJoined(SocketIONamespace ns, string room, string socketId);

    /// <summary>A local socket left a room it was in (the official adapter's <c>leave-room</c> event).</summary>
    void OnRoomLeft(SocketIONamespace ns, string room, string socketId);
}
