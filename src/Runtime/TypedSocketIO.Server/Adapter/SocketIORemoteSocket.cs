using System.Collections.Immutable;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// A socket of another server of the cluster, as <see cref="SocketIOBroadcastOperator.FetchSocketsAsync"/> returns it (the
/// official <c>RemoteSocket</c>): a snapshot of its id, handshake, rooms and data, and operations sent through the adapter to
/// the server that holds it (selected by its id room).
/// </summary>
public sealed class SocketIORemoteSocket : ISocketIORemoteSocket
{
    private readonly SocketIOBroadcastOperator _operator;

    /// <summary>Creates the view of a socket of another server (a cluster adapter, from that server's answer).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="id">The socket id.</param>
    /// <param name="handshake">Its handshake.</param>
    /// <param name="rooms">Its rooms.</param>
    /// <param name="data">Its data.</param>
    public SocketIORemoteSocket(SocketIONamespace ns, string id, SocketIOHandshake handshake, IReadOnlyCollection<string> rooms, object? data)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(handshake);
        ArgumentNullException.ThrowIfNull(rooms);
        Id = id;
        Handshake = handshake;
        Rooms = rooms;
        Data = data;
        _operator = ns.CreateOperator().To(id);
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public SocketIOHandshake Handshake { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Rooms { get; }

    /// <inheritdoc/>
    public object? Data { get; }

    /// <summary>Waits at most <paramref name="timeout"/> for the acknowledgement of an emit to this socket.</summary>
    /// <param name="timeout">The timeout.</param>
    /// <returns>A selection of this one socket with the timeout.</returns>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => _operator.Timeout(timeout);

    /// <inheritdoc/>
    public bool Emit(string eventName, params object?[]? arguments) => _operator.Emit(eventName, arguments);

    /// <inheritdoc/>
    public bool Emit<TState>(string eventName, TState state, SocketIOArgumentsWriter<TState> writeArguments) => _operator.Emit(eventName, state, writeArguments);

    /// <inheritdoc/>
    public bool EmitPacket(SocketIOEncodedPacket packet) => _operator.EmitPacket(packet);

    /// <inheritdoc/>
    public void Join(string room) => _operator.SocketsJoin(room);

    /// <inheritdoc/>
    public void Leave(string room) => _operator.SocketsLeave(room);

    /// <inheritdoc/>
    public void Disconnect(bool close = false) => _operator.DisconnectSockets(close);
}
