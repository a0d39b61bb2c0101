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
internal readonly record struct OutgoingPacket(EngineIOPacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary);
