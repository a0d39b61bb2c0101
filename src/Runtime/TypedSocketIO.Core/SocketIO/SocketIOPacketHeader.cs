using System.Globalization;
using System.Text;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Writes the packet header as socket.io-parser's encoder does:
/// <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;]</c>, the namespace omitted when it is "/".
/// </summary>
internal static class SocketIOPacketHeader
{
    public static void ValidateNamespace(string @namespace, string paramName)
    {
        ArgumentNullException.ThrowIfNull(@namespace, paramName);
        if (@namespace.Length == 0 || @namespace[0] != '/')
        {
            throw new ArgumentException("A Socket.IO namespace starts with '/'.", paramName);
        }

        // A ',' ends the namespace in the header, so it cannot be part of one.
        if (@namespace.Contains(',', StringComparison.Ordinal))
        {
            throw new ArgumentException("A Socket.IO namespace cannot contain ','.", paramName);
        }
    }

    public static void ValidateAckId(long ackId, string paramName)
    {
        if (ackId < -1 || ackId > SocketIOProtocol.MaxAckId)
        {
            throw new ArgumentOutOfRangeException(paramName, ackId, "An ack id is -1 (none) or in 0 … 2^53-1.");
        }
    }

    public static int GetLength(SocketIOPacketType type, int attachments, string @namespace, long ackId)
    {
        int length = 1;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            length += CountDigits((ulong)attachments) + 1;
        }

        if (!IsDefault(@namespace))
        {
            length += Encoding.UTF8.GetByteCount(@namespace) + 1;
        }

        if (ackId >= 0)
        {
            length += CountDigits((ulong)ackId);
        }

        return length;
    }

    /// <summary>Writes the header at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, SocketIOPacketType type, int attachments, string @namespace, long ackId)
    {
        destination[0] = (byte)('0' + (int)type);
        int position = 1;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            attachments.TryFormat(destination[position..], out int written, default, CultureInfo.InvariantCulture);
            position += written;
            destination[position++] = (byte)'-';
        }

        if (!IsDefault(@namespace))
        {
            position += Encoding.UTF8.GetBytes(@namespace, destination[position..]);
            destination[position++] = (byte)',';
        }

        if (ackId >= 0)
        {
            ackId.TryFormat(destination[position..], out int written, default, CultureInfo.InvariantCulture);
            position += written;
        }

        return position;
    }

    /// <summary>Builds header + body as one exact-size array.</summary>
    public static byte[] Compose(SocketIOPacketType type, int attachments, string @namespace, long ackId, ReadOnlySpan<byte> body)
    {
        int headerLength = GetLength(type, attachments, @namespace, ackId);
        byte[] text = new byte[checked(headerLength + body.Length)];
        int written = Write(text, type, attachments, @namespace, ackId);
        System.Diagnostics.Debug.Assert(written == headerLength, "header length mismatch");
        body.CopyTo(text.AsSpan(headerLength));
        return text;
    }

    private static bool IsDefault(string @namespace) => @namespace.Length == 1 && @namespace[0] == '/';

    private static int CountDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
