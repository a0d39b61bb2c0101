using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.EngineIO;

/// <summary>
/// What an Engine.IO client session (<see cref="EngineIOClientSession"/>, or the in-memory fake of the unit tests)
/// reports to the layer above it. Calls are made one at a time, never concurrently, in the order the packets arrived,
/// on the session's own threads and never under a lock of the layer above.
/// </summary>
internal interface IEngineIOClientHandler
{
    /// <summary>Whether <see cref="OnPacket"/> is wanted (checked before each packet, so that nobody pays for it unobserved).</summary>
    bool ObservesPackets => false;

    /// <summary>A text message arrived (the payload of a <c>4…</c> packet, without the <c>4</c>).</summary>
    /// <param name="utf8">The UTF-8 text; valid only during the call.</param>
    void OnText(ReadOnlyMemory<byte> utf8);

    /// <summary>A binary message arrived.</summary>
    /// <param name="data">The bytes; valid only during the call.</param>
    void OnBinary(ReadOnlyMemory<byte> data);

    /// <summary>
    /// The session ended. Called exactly once after a successful <see cref="EngineIOClientSession.OpenAsync"/>,
    /// with <c>transport close</c>, <c>transport error</c>, <c>ping timeout</c>, <c>parse error</c> or <c>forced close</c>.
    /// </summary>
    /// <param name="reason">The reason string of the official client.</param>
    /// <param name="error">The error behind the reason, or <see langword="null"/>.</param>
    void OnClose(string reason, Exception? error);

    /// <summary>The upgrade's probe succeeded and the queue pauses until the switch (the official client's <c>upgrading</c>).</summary>
    /// <param name="transport">The new transport, <c>websocket</c>.</param>
    void OnUpgrading(string transport)
    {
    }

    /// <summary>The session now runs over the new transport (the official client's <c>upgrade</c>).</summary>
    /// <param name="transport">The new transport, <c>websocket</c>.</param>
    void OnUpgraded(string transport)
    {
    }

    /// <summary>A packet was read (<c>packet</c>), or handed to the transport to be written, when <see cref="ObservesPackets"/>.</summary>
    /// <param name="outgoing">Whether the client sends it.</param>
    /// <param name="type">The Engine.IO packet type.</param>
    /// <param name="data">The packet's data; valid only during the call.</param>
    /// <param name="isBinary">Whether <paramref name="data"/> is a binary message.</param>
    void OnPacket(bool outgoing, EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
    {
    }
}
