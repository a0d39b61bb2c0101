namespace TypedSocketIO.AdminUI;

/// <summary>What the admin UI is sent (the official <c>mode</c> option).</summary>
public enum SocketIOAdminUIMode
{
    /// <summary>
    /// Everything: the list of sockets, each connection, disconnection, room joined and left, and every event received and sent
    /// (the dashboard's Sockets, Rooms, Clients and Events pages). Costs work on every event of every socket.
    /// </summary>
    Development,

    /// <summary>Only the server stats and the aggregated counts (connections, disconnections, packets and bytes) every 2 seconds.</summary>
    Production,
}
