using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// What a Socket.IO client object needs from its Engine.IO session. The production implementation wraps an
/// <see cref="EngineIOConnection"/>; tests use an in-memory one, so the Socket.IO layer is tested without HTTP.
/// </summary>
internal interface ISocketIOTransport
{
    /// <summary>The Engine.IO session id (a bearer token: never logged above Debug).</summary>
    string Id { get; }

    /// <summary>The current transport, <c>polling</c> or <c>websocket</c>; <see langword="null"/> when it has none (in-memory tests).</summary>
    string? Name => null;

    /// <summary>Whether the session is still open.</summary>
    bool IsOpen { get; }

    /// <summary>Cancelled when the session closes.</summary>
    CancellationToken Closed { get; }

    /// <summary>Queues a packet (text frame then its attachments, consecutively); false when closed or a volatile packet was dropped.</summary>
    bool TrySend(SocketIOEncodedPacket packet, bool isVolatile);

    /// <summary>Queues a packet without attachments given as its text alone (no packet object); false as <see cref="TrySend"/>.</summary>
    /// <param name="text">The text frame (an EVENT or an ACK), never changed afterwards.</param>
    /// <param name="isVolatile">Drop it rather than queue it when the transport is busy.</param>
    bool TrySendText(byte[] text, bool isVolatile) => TrySend(SocketIOEncodedPacket.FromText(text), isVolatile);

    /// <summary>
    /// Queues a packet without attachments whose text is lent from a pool: the transport takes it over and releases it exactly once
    /// (when written or dropped, or at once when this returns <see langword="false"/>); the caller never touches it again.
    /// </summary>
    /// <param name="text">The text (an EVENT or an ACK).</param>
    /// <param name="isVolatile">Drop it rather than queue it when the transport is busy.</param>
    bool TrySendPooled(PooledPacketText text, bool isVolatile)
    {
        byte[] copy = text.ToArray();
        text.Release();
        return TrySendText(copy, isVolatile);
    }

    /// <summary>The bytes waiting to be written to the session (<see cref="EngineIOConnection.BufferedAmount"/>); 0 in memory.</summary>
    int BufferedAmount => 0;

    /// <summary>
    /// Waits until at most <paramref name="maxBufferedBytes"/> bytes wait for the session (-1: half its bound), as
    /// <see cref="EngineIOConnection.WaitForCapacityAsync(int, CancellationToken)"/>; <see langword="false"/> when it is closed.
    /// </summary>
    ValueTask<bool> WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken) => new(IsOpen);

    /// <summary>Closes the session; the handler's close callback still runs once.</summary>
    ValueTask CloseAsync(EngineIOCloseReason reason);
}
