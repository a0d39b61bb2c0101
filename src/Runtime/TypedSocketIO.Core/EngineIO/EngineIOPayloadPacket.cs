namespace TypedSocketIO.EngineIO;

/// <summary>One packet read from an Engine.IO text encoding (polling payload element or WebSocket text frame).</summary>
public readonly struct EngineIOPayloadPacket
{
    internal EngineIOPayloadPacket(EngineIOPacketType type, bool isBase64Binary, ReadOnlyMemory<byte> data)
    {
        Type = type;
        IsBase64Binary = isBase64Binary;
        Data = data;
    }

    /// <summary>The packet type; <see cref="EngineIOPacketType.Message"/> for binary packets.</summary>
    public EngineIOPacketType Type { get; }

    /// <summary>Whether this is a <c>b…</c> binary packet whose <see cref="Data"/> is still base64 text.</summary>
    public bool IsBase64Binary { get; }

    /// <summary>The data after the type digit (or the base64 text after <c>b</c>): a slice of the parsed input, not a copy.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
