using System.Buffers;
using System.Buffers.Text;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// Reads and writes Engine.IO v4 HTTP long-polling payloads: packets joined by the record separator
/// (<c>0x1E</c>), each a type digit followed by its data, or <c>b</c> followed by base64 for binary.
/// </summary>
public static class EngineIOPayload
{
    /// <summary>
    /// Reads the next packet of a polling payload and advances <paramref name="payload"/> past it and its separator.
    /// </summary>
    /// <param name="payload">The rest of the payload; advanced on success.</param>
    /// <param name="packet">The packet read.</param>
    /// <returns><see langword="false"/> when the payload is exhausted.</returns>
    /// <exception cref="EngineIOProtocolException">The packet is empty, has an unknown type, or bad base64.</exception>
    public static bool TryReadPacket(ref ReadOnlyMemory<byte> payload, out EngineIOPayloadPacket packet)
    {
        if (payload.IsEmpty)
        {
            packet = default;
            return false;
        }

        int end = payload.Span.IndexOf(EngineIOProtocol.RecordSeparator);
        ReadOnlyMemory<byte> raw = end < 0 ? payload : payload[..end];
        payload = end < 0 ? ReadOnlyMemory<byte>.Empty : payload[(end + 1)..];
        if (end >= 0 && payload.IsEmpty)
        {
            // A trailing separator announces a packet that is not there.
            throw new EngineIOProtocolException("empty packet at the end of the payload");
        }

        packet = ParsePacket(raw);
        return true;
    }

    /// <summary>Parses one text-encoded packet (a WebSocket text frame, or one element of a polling payload).</summary>
    /// <param name="raw">The packet: a type digit and its data, or <c>b</c> and base64.</param>
    /// <returns>The packet; its data is a slice of <paramref name="raw"/> (text) or needs base64 decoding (binary).</returns>
    /// <exception cref="EngineIOProtocolException">The packet is empty or has an unknown type.</exception>
    public static EngineIOPayloadPacket ParsePacket(ReadOnlyMemory<byte> raw)
    {
        if (raw.IsEmpty)
        {
            throw new EngineIOProtocolException("empty packet");
        }

        byte first = raw.Span[0];
        if (first == EngineIOProtocol.BinaryPrefix)
        {
            return new EngineIOPayloadPacket(EngineIOPacketType.Message, isBase64Binary: true, raw[1..]);
        }

        int type = first - '0';
        if (type < 0 || type > (int)EngineIOPacketType.Noop)
        {
            throw new EngineIOProtocolException("unknown packet type");
        }

        return new EngineIOPayloadPacket((EngineIOPacketType)type, isBase64Binary: false, raw[1..]);
    }

    /// <summary>Decodes the base64 data of a binary packet from a polling payload.</summary>
    /// <param name="base64">The base64 text after the <c>b</c> prefix.</param>
    /// <returns>The decoded bytes.</returns>
    /// <exception cref="EngineIOProtocolException">The text is not valid base64.</exception>
    public static byte[] DecodeBase64(ReadOnlySpan<byte> base64)
    {
        byte[] buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        OperationStatus status = Base64.DecodeFromUtf8(base64, buffer, out _, out int written);
        if (status != OperationStatus.Done)
        {
            throw new EngineIOProtocolException("invalid base64 in binary packet");
        }

        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Writes one packet of a polling payload, preceded by a separator unless it is the first.</summary>
    /// <param name="writer">Where the payload is written.</param>
    /// <param name="isFirst">Whether this is the payload's first packet.</param>
    /// <param name="type">The packet type.</param>
    /// <param name="data">The data: UTF-8 text, or raw bytes when <paramref name="isBinary"/>.</param>
    /// <param name="isBinary">Writes <c>b</c> and base64 of <paramref name="data"/> instead of a type digit.</param>
    public static void WritePacket(IBufferWriter<byte> writer, bool isFirst, EngineIOPacketType type, ReadOnlySpan<byte> data, bool isBinary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int length = (isFirst ? 0 : 1) + 1 + (isBinary ? Base64.GetMaxEncodedToUtf8Length(data.Length) : data.Length);
        Span<byte> span = writer.GetSpan(length);
        int pos = 0;
        if (!isFirst)
        {
            span[pos++] = EngineIOProtocol.RecordSeparator;
        }

        if (isBinary)
        {
            span[pos++] = EngineIOProtocol.BinaryPrefix;
            Base64.EncodeToUtf8(data, span[pos..], out _, out int written);
            pos += written;
        }
        else
        {
            span[pos++] = (byte)('0' + (int)type);
            data.CopyTo(span[pos..]);
            pos += data.Length;
        }

        writer.Advance(pos);
    }
}
