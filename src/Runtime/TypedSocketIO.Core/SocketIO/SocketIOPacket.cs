namespace TypedSocketIO.SocketIO;

/// <summary>
/// A fully received Socket.IO packet (its binary attachments, if any, are complete), as produced by
/// <see cref="SocketIOPacketDecoder"/>. Immutable; it owns copies of every byte it exposes.
/// </summary>
/// <remarks>
/// As socket.io-parser does, a received <see cref="SocketIOPacketType.BinaryEvent"/> is reported as
/// <see cref="SocketIOPacketType.Event"/> and a <see cref="SocketIOPacketType.BinaryAck"/> as
/// <see cref="SocketIOPacketType.Ack"/>, with its attachments in <see cref="Attachments"/>: consumers handle one
/// case for each, and <see cref="SocketIOArguments"/> resolves the placeholders.
/// </remarks>
public sealed class SocketIOPacket
{
    internal SocketIOPacket(
        SocketIOPacketType type, string @namespace, long ackId, ReadOnlyMemory<byte> payload, ReadOnlyMemory<byte>[] attachments, string? eventName)
    {
        EventName = eventName;
        Type = type;
        Namespace = @namespace;
        AckId = ackId;
        Payload = payload;
        Attachments = attachments;
    }

    /// <summary>
    /// The packet type: <see cref="SocketIOPacketType.Connect"/>, <see cref="SocketIOPacketType.Disconnect"/>,
    /// <see cref="SocketIOPacketType.Event"/>, <see cref="SocketIOPacketType.Ack"/> or
    /// <see cref="SocketIOPacketType.ConnectError"/> (binary types are reported as their plain counterpart).
    /// </summary>
    public SocketIOPacketType Type { get; }

    /// <summary>The namespace, <c>"/"</c> when the header names none.</summary>
    public string Namespace { get; }

    /// <summary>The acknowledgement id, in 0 … 2^53−1, or -1 when the packet carries none.</summary>
    public long AckId { get; }

    /// <summary>Whether the packet carries an acknowledgement id (<see cref="AckId"/> is not -1).</summary>
    public bool HasAckId => AckId >= 0;

    /// <summary>
    /// The raw UTF-8 JSON that follows the header (validated, placeholders left in place), or empty when the
    /// packet has no payload.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The binary attachments, in placeholder order (<c>num</c> 0, 1, …); empty for a non-binary packet.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>The event name (first payload element) of an <see cref="SocketIOPacketType.Event"/> packet, else <see langword="null"/>.</summary>
    public string? EventName { get; }
}
