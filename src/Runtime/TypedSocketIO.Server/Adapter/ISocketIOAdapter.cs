using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The seam between a namespace and where its rooms live and its broadcasts go. <see cref="InMemorySocketIOAdapter"/> is the
/// default (one process); a scale-out adapter (Redis) forwards selections to other servers and reuses the in-memory one for
/// the local work. Room membership of local sockets is always local state, so the room methods are synchronous.
/// Implementations are called from many threads at once.
/// </summary>
public interface ISocketIOAdapter : IDisposable
{
    /// <summary>The namespace the adapter serves (the official <c>adapter.nsp</c>).</summary>
    SocketIONamespace Nsp { get; }

    /// <summary>The number of rooms with at least one local socket (each socket's own id room included).</summary>
    int RoomCount { get; }

    /// <summary>Adds a local socket to rooms.</summary>
    /// <param name="socketId">The socket id.</param>
    /// <param name="rooms">The rooms.</param>
    void AddAll(string socketId, IEnumerable<string> rooms);

    /// <summary>Removes a local socket from a room.</summary>
    /// <param name="socketId">The socket id.</param>
    /// <param name="room">The room.</param>
    void Delete(string socketId, string room);

    /// <summary>Removes a local socket from every room (it disconnected).</summary>
    /// <param name="socketId">The socket id.</param>
    void DeleteAll(string socketId);

    /// <summary>The rooms a local socket is in (a snapshot; empty when unknown).</summary>
    /// <param name="socketId">The socket id.</param>
    /// <returns>The rooms.</returns>
    IReadOnlyCollection<string> GetSocketRooms(string socketId);

    /// <summary>The rooms with at least one local socket (a snapshot).</summary>
    /// <returns>The rooms.</returns>
    IReadOnlyCollection<string> GetRooms();

    /// <summary>
    /// Sends an encoded EVENT packet to every selected socket, each once; the same bytes go to every socket. With connection
    /// state recovery on (<see cref="SocketIOServerOptions.ConnectionStateRecovery"/>), an adapter that supports it appends an
    /// offset as the last argument of an EVENT without acknowledgement id and not volatile, and keeps it for
    /// <see cref="RestoreSessionAsync"/>.
    /// </summary>
    /// <param name="packet">The packet, built once for the namespace.</param>
    /// <param name="options">The selection.</param>
    void Broadcast(SocketIOEncodedPacket packet, SocketIOBroadcastOptions options);

    /// <summary>
    /// Sends an encoded EVENT packet carrying acknowledgement id <paramref name="ackId"/> to every selected socket and collects
    /// their acknowledgements within <see cref="SocketIOBroadcastOptions.Timeout"/>.
    /// </summary>
    /// <param name="packet">The packet, built once with <paramref name="ackId"/>.</param>
    /// <param name="ackId">The acknowledgement id (unique in the namespace).</param>
    /// <param name="eventName">The event name, for error messages.</param>
    /// <param name="options">The selection; <see cref="SocketIOBroadcastOptions.Timeout"/> is set.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The responses; fails with <see cref="SocketIOAckTimeoutException"/> when some did not arrive in time.</returns>
    Task<IReadOnlyList<SocketIOArguments>> BroadcastWithAckAsync(
        SocketIOEncodedPacket packet, long ackId, string eventName, SocketIOBroadcastOptions options, CancellationToken cancellationToken);

    /// <summary>Returns the selected sockets.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The sockets.</returns>
    ValueTask<IReadOnlyList<SocketIOSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken);

    /// <summary>Makes the selected sockets join rooms.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="rooms">The rooms.</param>
    void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Makes the selected sockets leave rooms.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="rooms">The rooms.</param>
    void DeleteSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>
    /// Keeps the session of a socket that disconnected for a recoverable reason, for
    /// <see cref="SocketIOConnectionStateRecoveryOptions.MaxDisconnectionDuration"/> (connection state recovery). The default
    /// keeps nothing: an adapter without recovery never restores.
    /// </summary>
    /// <param name="session">The session.</param>
    void PersistSession(SocketIOSession session)
    {
    }

    /// <summary>
    /// Gives back, once, the session <paramref name="pid"/> with the events emitted to it after <paramref name="offset"/>, if
    /// it is still within its window, belongs to <paramref name="userId"/>, and every event after the offset is still kept.
    /// Otherwise <see langword="null"/> (the client starts fresh); a session refused for another user stays for its owner.
    /// The default restores nothing.
    /// </summary>
    /// <param name="pid">The private session id the client sent.</param>
    /// <param name="offset">The offset of the last event the client received.</param>
    /// <param name="userId">The authenticated user of the connection asking, or <see langword="null"/> when anonymous.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The session and its missed packets, or <see langword="null"/>.</returns>
    ValueTask<SocketIORestoredSession?> RestoreSessionAsync(string pid, string offset, string? userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<SocketIORestoredSession?>(null);

    /// <summary>Disconnects the selected sockets.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="close">Whether to close their whole underlying connections.</param>
    void DisconnectSockets(SocketIOBroadcastOptions options, bool close);
}
