using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// What connection state recovery keeps of a disconnected socket (the official <c>SessionToPersist</c>): enough to give a
/// returning client the same socket back.
/// </summary>
public sealed class SocketIOSession
{
    /// <summary>The socket id the client gets back.</summary>
    public required string Sid { get; init; }

    /// <summary>The private session id the client presents to restore the session (from a CSPRNG, sent only to that client).</summary>
    public required string Pid { get; init; }

    /// <summary>The rooms the socket was in (its own id room included).</summary>
    public required IReadOnlyCollection<string> Rooms { get; init; }

    /// <summary>The socket's <see cref="SocketIOSocket.Data"/>.</summary>
    public object? Data { get; init; }

    /// <summary>
    /// The authenticated user of the connection the socket was on (its <c>NameIdentifier</c>), or <see langword="null"/> when
    /// anonymous. Only a connection of the same user (or an anonymous one for an anonymous session) restores the session.
    /// </summary>
    public string? UserId { get; init; }
}

/// <summary>A session given back by <see cref="ISocketIOAdapter.RestoreSessionAsync"/>, with the events the client missed, in order.</summary>
/// <param name="Session">The session.</param>
/// <param name="MissedPackets">The EVENT packets (each with its offset) emitted to the session's selection after the client's offset.</param>
public sealed record SocketIORestoredSession(SocketIOSession Session, IReadOnlyList<SocketIOEncodedPacket> MissedPackets)
{
    /// <summary>
    /// Where the adapter's snapshot of <see cref="MissedPackets"/> ended (an offset of the adapter, possibly of a packet that did
    /// not select the session), for <see cref="ISocketIOAdapter.ReadPacketsAfterAsync"/>; <see langword="null"/> when the adapter
    /// cannot read after it.
    /// </summary>
    public string? Position { get; init; }
}
