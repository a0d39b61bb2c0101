namespace TypedSocketIO.EngineIO.Internal.Transports;

/// <summary>
/// Moves the Engine.IO packets of one session over one connection: HTTP long-polling (<see cref="PollingTransport"/>), a
/// WebSocket on ASP.NET Core's WebSocket middleware (<see cref="AspNetCoreWebSocketTransport"/>) or the lean WebSocket on a
/// Kestrel connection's pipes (<see cref="KestrelWebSocketTransport"/>). The session (<see cref="EngineIOConnection"/>) owns
/// the state, the bounded outbound queue, the heartbeat, the upgrade and the close sequence; a transport takes what is
/// queued when it can write (<see cref="EngineIOConnection.PendingUnderLock"/>), writes it as frames, and feeds the packets it
/// reads to <see cref="EngineIOConnection.DispatchAsync"/>.
/// </summary>
/// <remarks>The session calls the members ending in <c>UnderLock</c> with its lock (<see cref="EngineIOConnection.SyncRoot"/>) held: they must not block.</remarks>
internal interface IEngineIOTransport
{
    /// <summary><c>polling</c> or <c>websocket</c>.</summary>
    string Name { get; }

    /// <summary>Whether a message queued now would be written at once, when nothing else is queued (volatile messages are dropped otherwise).</summary>
    bool IsWritableUnderLock { get; }

    /// <summary>Something was queued, or the session's state changed (closing, closed, upgraded, a noop due): write, or wake what writes.</summary>
    void WakeUnderLock();

    /// <summary>Drops the connection at once, without a goodbye (an abandoned upgrade, a write that timed out).</summary>
    void Abort();
}

/// <summary>One packet waiting in a session's outbound queue.</summary>
/// <param name="Type">The Engine.IO packet type (written as its digit before text data).</param>
/// <param name="Data">The data, without the type digit.</param>
/// <param name="IsBinary">Whether it is a binary message (a binary frame, or <c>b</c> and base64 in a polling payload).</param>
/// <param name="Owner">
/// What lends <paramref name="Data"/> (a pooled buffer), released exactly once when the packet is gone: written (copied into the
/// connection, or sent), or dropped. <see langword="null"/> for data nobody gives back.
/// </param>
internal readonly record struct OutgoingPacket(EngineIOPacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary, IEngineIOMessageOwner? Owner = null)
{
    /// <summary>Gives the data back to its owner, if it has one. Call once per packet taken from the queue.</summary>
    public void Release() => Owner?.Release();
}

/// <summary>
/// The owner of a queued message's bytes (the Socket.IO server's pooled packet text): the session, or the transport that took
/// the message, calls <see cref="Release"/> exactly once, after which the bytes are never read again.
/// </summary>
internal interface IEngineIOMessageOwner
{
    /// <summary>The message was written or dropped: its bytes can go back to their pool.</summary>
    void Release();
}
