using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>An entry of a socket's acknowledgement table: one emit's waiter, or a broadcast's collector shared by many sockets.</summary>
internal interface IPendingAck
{
    /// <summary>The client answered; the entry was removed from <paramref name="socket"/>'s table already.</summary>
    void OnResponse(SocketIOSocket socket, SocketIOArguments arguments);

    /// <summary>The socket closed with the entry still waiting; the entry was removed from its table already.</summary>
    void OnSocketClosed(SocketIOSocket socket, string reason);
}
