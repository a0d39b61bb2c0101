using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Runtime.InteropServices;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>RFC 6455 opcodes.</summary>
internal enum WebSocketOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

/// <summary>
/// A peer broke RFC 6455 or crossed a limit; the connection is closed with <see cref="CloseStatus"/> (1002 protocol error,
/// 1007 invalid payload data, 1009 message too big, 1008 policy violation for too many fragments, as ws does).
/// </summary>
internal sealed class WebSocketFrameException : Exception
{
    public WebSocketFrameException(WebSocketCloseStatus closeStatus, string message)
        : base(message)
    {
        CloseStatus = closeStatus;
    }

    public WebSocketCloseStatus CloseStatus { get; }

    /// <summary>Whether a configured limit was crossed (size: 1009, fragments: 1008), rather than the protocol broken.</summary>
    public bool IsLimit => CloseStatus is WebSocketCloseStatus.MessageTooBig or WebSocketCloseStatus.PolicyViolation;
}

/// <summary>The fixed part of a frame: what the first 2 to 14 bytes say.</summary>
internal readonly record struct WebSocketFrameHeader(bool Fin, WebSocketOpcode Opcode, long PayloadLength, bool Masked, int MaskKey, int HeaderLength);

/// <summary>Reads and writes RFC 6455 frames (no extension: permessage-deflate is never negotiated).</summary>
internal static class WebSocketFrames
{
    /// <summary>The largest header a server writes (unmasked, 64-bit length).</summary>
    public const int MaxServerHeaderLength = 10;

    /// <summary>The largest payload of a control frame.</summary>
    public const int MaxControlPayload = 125;

    /// <summary>
    /// Reads the header at the start of <paramref name="buffer"/>. Returns <see langword="false"/> when it is not complete yet.
    /// Throws <see cref="WebSocketFrameException"/> (1002) for reserved bits, unknown opcodes, fragmented or long control frames
    /// and impossible lengths; whether the frame must be masked is the caller's rule.
    /// </summary>
    public static bool TryReadHeader(in ReadOnlySequence<byte> buffer, out WebSocketFrameHeader header)
    {
        header = default;
        Span<byte> head = stackalloc byte[14];
        int available = (int)Math.Min(buffer.Length, 14);
        if (available < 2)
        {
            return false;
        }

        buffer.Slice(0, available).CopyTo(head);
        byte b0 = head[0];
        byte b1 = head[1];
        if ((b0 & 0x70) != 0)
        {
            throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "reserved bits set in a WebSocket frame (no extension was negotiated)");
        }

        var opcode = (WebSocketOpcode)(b0 & 0x0F);
        bool fin = (b0 & 0x80) != 0;
        bool control = ((int)opcode & 0x8) != 0;
        switch (opcode)
        {
            case WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary:
                break;
            case WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong:
                if (!fin)
                {
                    throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "fragmented WebSocket control frame");
                }

                break;
            default:
                throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, $"unknown WebSocket opcode {(int)opcode}");
        }

        bool masked = (b1 & 0x80) != 0;
        int length7 = b1 & 0x7F;
        int headerLength = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (control && length7 > MaxControlPayload)
        {
            throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "WebSocket control frame longer than 125 bytes");
        }

        if (available < headerLength)
        {
            return false;
        }

        long length;
        int offset = 2;
        if (length7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(head[2..]);
            offset = 4;
        }
        else if (length7 == 127)
        {
            ulong length64 = BinaryPrimitives.ReadUInt64BigEndian(head[2..]);
            if (length64 > long.MaxValue)
            {
                throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "WebSocket frame length with its most significant bit set");
            }

            length = (long)length64;
            offset = 10;
        }
        else
        {
            length = length7;
        }

        int mask = masked ? MemoryMarshal.Read<int>(head[offset..]) : 0;
        header = new WebSocketFrameHeader(fin, opcode, length, masked, mask, headerLength);
        return true;
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the masking key, starting <paramref name="offset"/> bytes into the key (the key as it is
    /// laid out on the wire). Returns the offset for the next byte.
    /// </summary>
    public static int Unmask(Span<byte> data, int mask, int offset)
    {
        if (mask == 0 || data.IsEmpty)
        {
            return (offset + data.Length) & 3;
        }

        // Rotate the key so that data[0] uses key byte 'offset'; then apply it 8 bytes at a time.
        int rotated = BitConverter.IsLittleEndian
            ? (int)System.Numerics.BitOperations.RotateRight((uint)mask, offset * 8)
            : (int)System.Numerics.BitOperations.RotateLeft((uint)mask, offset * 8);
        ulong mask64 = ((ulong)(uint)rotated << 32) | (uint)rotated;
        int i = 0;
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        for (int w = 0; w < words.Length; w++)
        {
            words[w] ^= mask64;
        }

        i = words.Length * 8;
        Span<byte> key = stackalloc byte[4];
        MemoryMarshal.Write(key, in rotated);
        for (int k = 0; i < data.Length; i++, k++)
        {
            data[i] ^= key[k & 3];
        }

        return (offset + data.Length) & 3;
    }

    /// <summary>Writes an unmasked server frame's header for a payload of <paramref name="length"/> bytes.</summary>
    public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, bool fin, long length)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (int)opcode);
        if (length < 126)
        {
            destination[1] = (byte)length;
            return 2;
        }

        if (length <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)length);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)length);
        return 10;
    }

    /// <summary>
    /// Writes one whole unmasked frame: an optional first byte (the Engine.IO packet type, so that it needs no copy of the
    /// data to prepend it; a negative value for none) followed by <paramref name="payload"/>.
    /// </summary>
    public static void WriteFrame(IBufferWriter<byte> writer, WebSocketOpcode opcode, int prefix, ReadOnlySpan<byte> payload)
    {
        int length = payload.Length + (prefix >= 0 ? 1 : 0);
        Span<byte> span = writer.GetSpan(MaxServerHeaderLength + 1);
        int written = WriteHeader(span, opcode, fin: true, length);
        if (prefix >= 0)
        {
            span[written++] = (byte)prefix;
        }

        if (payload.Length <= span.Length - written)
        {
            payload.CopyTo(span[written..]);
            writer.Advance(written + payload.Length);
            return;
        }

        writer.Advance(written);
        while (!payload.IsEmpty)
        {
            Span<byte> chunk = writer.GetSpan(1);
            int count = Math.Min(chunk.Length, payload.Length);
            payload[..count].CopyTo(chunk);
            writer.Advance(count);
            payload = payload[count..];
        }
    }

    /// <summary>Writes a close frame with a status code (none for <see cref="WebSocketCloseStatus.Empty"/>) and a short reason.</summary>
    public static void WriteClose(IBufferWriter<byte> writer, WebSocketCloseStatus status, ReadOnlySpan<byte> reason)
    {
        Span<byte> payload = stackalloc byte[MaxControlPayload];
        int length = 0;
        if (status != WebSocketCloseStatus.Empty)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
            reason = reason[..Math.Min(reason.Length, MaxControlPayload - 2)];
            reason.CopyTo(payload[2..]);
            length = 2 + reason.Length;
        }

        WriteFrame(writer, WebSocketOpcode.Close, -1, payload[..length]);
    }

    /// <summary>Whether a peer may send <paramref name="code"/> in a close frame (RFC 6455 §7.4: 1000–1003, 1007–1014, 3000–4999).</summary>
    public static bool IsValidReceivedCloseCode(int code)
        => code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
}
