using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The seam between a namespace and where its rooms live and its broadcasts go (the official <c>socket.io-adapter</c>).
/// <see cref="InMemorySocketIOAdapter"/> is the default (one process); a cluster adapter (Redis) derives from it, forwards
/// broadcasts and requests to the other servers and answers theirs. Room membership of local sockets is local state, so the
/// room methods are synchronous; whatever may cross servers is asynchronous and bounded by the adapter's requests timeout
/// (<see cref="SocketIOAdapterTimeoutException"/>). Implementations are called from many threads at once.
/// </summary>
public interface ISocketIOAdapter : IDisposable
{
    /// <summary>The namespace the adapter serves (the official <c>adapter.nsp</c>).</summary>
    SocketIONamespace Nsp { get; }

    /// <summary>The id of this server in its cluster (the official <c>adapter.uid</c>); random per adapter.</summary>
    string ServerId { get; }

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
    /// Sends an EVENT to every selected socket of every server, each once (<see cref="SocketIOBroadcastFlags.Local"/>: this
    /// server's only). Locally the packet is encoded once and the same bytes go to every socket. With connection state recovery
    /// on, an adapter that supports it adds the offset (one new packet per broadcast) to an event without acknowledgement id
    /// that is not volatile, and keeps it for <see cref="RestoreSessionAsync"/>. Does not wait for other servers.
    /// </summary>
    /// <param name="packet">The packet, without acknowledgement id.</param>
    /// <param name="options">The selection.</param>
    void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options);

    /// <summary>
    /// Sends an EVENT asking for an acknowledgement to every selected socket of every server (the official
    /// <c>broadcastWithAck</c>). Each server gives the packet its own acknowledgement id, reports once how many clients it sent
    /// it to (<see cref="ISocketIOBroadcastAckCollector.OnClientCount"/>) and forwards each answer
    /// (<see cref="ISocketIOBroadcastAckCollector.OnAck(SocketIOArguments)"/>, or a socket-aware overload). The caller owns the timeout; entries of local sockets are freed
    /// when <see cref="ISocketIOBroadcastAckCollector.Abandoned"/> is cancelled.
    /// </summary>
    /// <param name="packet">The packet, without acknowledgement id.</param>
    /// <param name="options">The selection; <see cref="SocketIOBroadcastOptions.Timeout"/> is set.</param>
    /// <param name="collector">Receives the client counts and the answers, from any thread.</param>
    void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, ISocketIOBroadcastAckCollector collector);

    /// <summary>The selected sockets of every server: local ones are <see cref="SocketIOSocket"/>, others <see cref="SocketIORemoteSocket"/>.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The sockets.</returns>
    ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken);

    /// <summary>Makes the selected sockets of every server join rooms (done here at once; sent to the other servers).</summary>
    /// <param name="options">The selection.</param>
    /// <param name="rooms">The rooms.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once done here and sent to the other servers.</returns>
    ValueTask AddSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken);

    /// <summary>Makes the selected sockets of every server leave rooms.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="rooms">The rooms.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once done here and sent to the other servers.</returns>
    ValueTask DeleteSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken);

    /// <summary>Disconnects the selected sockets of every server.</summary>
    /// <param name="options">The selection.</param>
    /// <param name="close">Whether to close their whole underlying connections.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once done here and sent to the other servers.</returns>
    ValueTask DisconnectSocketsAsync(SocketIOBroadcastOptions options, bool close, CancellationToken cancellationToken);

    /// <summary>The rooms with at least one socket on any server.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The rooms.</returns>
    ValueTask<IReadOnlyCollection<string>> AllRoomsAsync(CancellationToken cancellationToken);

    /// <summary>The number of servers in the cluster, this one included (1 for the in-memory adapter).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The count.</returns>
    ValueTask<int> ServerCountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sends an event to the other servers of the cluster (the official <c>serverSideEmit</c>), received by their
    /// <see cref="SocketIONamespace.OnServerSideEvent"/> handlers; never to this server.
    /// </summary>
    /// <param name="data">The UTF-8 JSON array <c>["event", …arguments]</c> (no binary).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes once sent.</returns>
    ValueTask ServerSideEmitAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Sends an event to the other servers and collects one answer (the first argument of its acknowledgement) from each,
    /// within the requests timeout; fails with <see cref="SocketIOAdapterTimeoutException"/> holding the answers received.
    /// </summary>
    /// <param name="data">The UTF-8 JSON array <c>["event", …arguments]</c> (no binary).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One answer per other server (empty with no other server).</returns>
    Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the session of a socket that disconnected for a recoverable reason, for
    /// <see cref="SocketIOConnectionStateRecoveryOptions.MaxDisconnectionDuration"/> (connection state recovery). An adapter
    /// without recovery keeps nothing.
    /// </summary>
    /// <param name="session">The session.</param>
    void PersistSession(SocketIOSession session);

    /// <summary>
    /// Gives back, once, the session <paramref name="pid"/> with the events emitted to it after <paramref name="offset"/>, if
    /// it is still within its window, belongs to <paramref name="userId"/>, and every event after the offset is still kept.
    /// Otherwise <see langword="null"/> (the client starts fresh); a session refused for another user stays for its owner.
    /// </summary>
    /// <param name="pid">The private session id the client sent.</param>
    /// <param name="offset">The offset of the last event the client received.</param>
    /// <param name="userId">The authenticated user of the connection asking, or <see langword="null"/> when anonymous.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The session and its missed packets, or <see langword="null"/>.</returns>
    ValueTask<SocketIORestoredSession?> RestoreSessionAsync(string pid, string offset, string? userId, CancellationToken cancellationToken);

    /// <summary>
    /// The EVENT packets emitted after <paramref name="position"/> (a <see cref="SocketIORestoredSession.Position"/>) that
    /// select <paramref name="rooms"/>, in order, each with its offset: what a restored socket missed while it was being
    /// restored. Called once the socket can be found by broadcasts, so that every packet is either in this answer or reaches the
    /// socket (the server drops those that do both). <see langword="null"/> when the adapter cannot tell (the default: the
    /// socket then gets the missed packets of <see cref="RestoreSessionAsync"/> only) or no longer keeps every packet after the
    /// position.
    /// </summary>
    /// <param name="position">Where the snapshot of <see cref="RestoreSessionAsync"/> ended.</param>
    /// <param name="rooms">The rooms of the restored session.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The packets, or <see langword="null"/>.</returns>
    ValueTask<IReadOnlyList<SocketIOEncodedPacket>?> ReadPacketsAfterAsync(string position, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SocketIOEncodedPacket>?>(null);
}

/// <summary>
/// Receives what the servers report for one broadcast with acknowledgements (the official <c>clientCountCallback</c> and
/// <c>ack</c> of <c>broadcastWithAck</c>). Called from any thread.
/// </summary>
public interface ISocketIOBroadcastAckCollector
{
    /// <summary>
    /// Cancelled when the caller stops waiting (complete, timed out or cancelled): the adapter then frees what it keeps for
    /// this broadcast (the entries in the local sockets' tables).
    /// </summary>
    CancellationToken Abandoned { get; }

    /// <summary>One server sent the packet to <paramref name="clientCount"/> clients (each server calls this once).</summary>
    /// <param name="clientCount">The number of clients.</param>
    void OnClientCount(int clientCount);

    /// <summary>One client answered.</summary>
    /// <param name="response">Its answer (from another server: its first argument, as the official adapters forward it).</param>
    void OnAck(SocketIOArguments response);

    /// <summary>A local client the packet went to disconnected before answering: it will not be waited for.</summary>
    void OnClientLeft();

    /// <summary>
    /// The packet went to <paramref name="socket"/> of this server, whose answer is awaited (lets the collector name the sockets
    /// that did not answer). Adapters that send to local sockets through <see cref="InMemorySocketIOAdapter"/> need not call it.
    /// </summary>
    /// <param name="socket">The socket.</param>
    void OnTarget(SocketIOSocket socket)
    {
    }

    /// <summary>A local client answered.</summary>
    /// <param name="socket">The socket that answered.</param>
    /// <param name="response">Its answer.</param>
    void OnAck(SocketIOSocket socket, SocketIOArguments response) => OnAck(response);

    /// <summary>A client of another server answered, and that server said which one (our own cluster adapters do).</summary>
    /// <param name="socketId">The id of the socket that answered.</param>
    /// <param name="response">Its answer.</param>
    void OnAck(string socketId, SocketIOArguments response) => OnAck(response);

    /// <summary>A local client the packet went to disconnected before answering: it will not be waited for.</summary>
    /// <param name="socket">The socket.</param>
    void OnClientLeft(SocketIOSocket socket) => OnClientLeft();
}
