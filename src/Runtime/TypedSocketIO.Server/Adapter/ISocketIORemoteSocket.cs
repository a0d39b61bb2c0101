namespace TypedSocketIO.Server;

/// <summary>
/// A socket returned by <see cref="SocketIOBroadcastOperator.FetchSocketsAsync"/>, on this server (a
/// <see cref="SocketIOSocket"/>) or on another one of the cluster (a <see cref="SocketIORemoteSocket"/>): what it was when
/// fetched, and what can be done to it from here. On another server, emit, join, leave and disconnect are sent through the
/// adapter and done there.
/// </summary>
public interface ISocketIORemoteSocket : ISocketIOEmitter
{
    /// <summary>The socket id.</summary>
    string Id { get; }

    /// <summary>The handshake the socket connected with (of another server: as it sent it; <see cref="SocketIOHandshake.User"/> is empty).</summary>
    SocketIOHandshake Handshake { get; }

    /// <summary>The rooms the socket is in, its own id room included (of another server: when fetched).</summary>
    IReadOnlyCollection<string> Rooms { get; }

    /// <summary>The socket's data (of another server: the <see cref="System.Text.Json.JsonElement"/> it sent, or <see langword="null"/>).</summary>
    object? Data { get; }

    /// <summary>Makes the socket join a room.</summary>
    /// <param name="room">The room.</param>
    void Join(string room);

    /// <summary>Makes the socket leave a room.</summary>
    /// <param name="room">The room.</param>
    void Leave(string room);

    /// <summary>Disconnects the socket (<c>server namespace disconnect</c>).</summary>
    /// <param name="close">Whether to close its whole underlying connection.</param>
    void Disconnect(bool close = false);
}
