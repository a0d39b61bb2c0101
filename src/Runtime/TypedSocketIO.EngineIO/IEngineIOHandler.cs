namespace TypedSocketIO.EngineIO;

/// <summary>
/// The whole seam between an Engine.IO server and the protocol on top of it (Socket.IO, or an application
/// that uses Engine.IO alone). The server calls one connection's methods one at a time, in the order the
/// packets arrived; different connections are served concurrently.
/// </summary>
public interface IEngineIOHandler
{
    /// <summary>A session was opened: the handshake was sent to the client.</summary>
    /// <param name="connection">The new session.</param>
    ValueTask OnOpenAsync(EngineIOConnection connection);

    /// <summary>A text message packet (<c>4…</c>) arrived; <paramref name="utf8"/> is its payload without the type digit.</summary>
    /// <param name="connection">The session the message arrived on.</param>
    /// <param name="utf8">The UTF-8 payload. Valid only until the returned task completes: copy what must outlive it.</param>
    ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8);

    /// <summary>A binary message arrived (a WebSocket binary frame, or a <c>b…</c> packet of a polling payload).</summary>
    /// <param name="connection">The session the message arrived on.</param>
    /// <param name="data">The bytes. Valid only until the returned task completes: copy what must outlive it.</param>
    ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data);

    /// <summary>The session closed; nothing more can be sent on it. Called exactly once per opened session.</summary>
    /// <param name="connection">The session that closed.</param>
    /// <param name="reason">Why it closed.</param>
    ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason);
}
