using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Redis.Internal;

/// <summary>
/// Writes MessagePack as <c>notepack.io</c> (the codec of <c>@socket.io/redis-adapter</c>) encodes JavaScript values:
/// integral numbers in the smallest integer form, other numbers as float 64, strings as str, buffers as bin.
/// </summary>
internal sealed class MsgPackWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public MsgPackWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteNil() => WriteByte(0xc0);

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xc3 : (byte)0xc2);

    public void WriteArrayHeader(int count)
    {
        if (count < 0x10)
        {
            WriteByte((byte)(0x90 | count));
        }
        else if (count < 0x10000)
        {
            WriteByte(0xdc);
            WriteUInt16((ushort)count);
        }
        else
        {
            WriteByte(0xdd);
            WriteUInt32((uint)count);
        }
    }

    public void WriteMapHeader(int count)
    {
        if (count < 0x10)
        {
            WriteByte((byte)(0x80 | count));
        }
        else if (count < 0x10000)
        {
            WriteByte(0xde);
            WriteUInt16((ushort)count);
        }
        else
        {
            WriteByte(0xdf);
            WriteUInt32((uint)count);
        }
    }

    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(length);
        Span<byte> span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    public void WriteBinary(ReadOnlySpan<byte> data)
    {
        if (data.Length < 0x100)
        {
            WriteByte(0xc4);
            WriteByte((byte)data.Length);
        }
        else if (data.Length < 0x10000)
        {
            WriteByte(0xc5);
            WriteUInt16((ushort)data.Length);
        }
        else
        {
            WriteByte(0xc6);
            WriteUInt32((uint)data.Length);
        }

        WriteRaw(data);
    }

    /// <summary>A JavaScript number as notepack encodes it.</summary>
    public void WriteNumber(double value)
    {
        // Integral values in the 64-bit range take the integer forms; anything else (and ±2^63 and beyond) float 64.
        if (Math.Floor(value) != value || !double.IsFinite(value) || value >= 18446744073709551616d || value < -9223372036854775808d)
        {
            WriteByte(0xcb);
            Span<byte> span = _buffer.GetSpan(8);
            BinaryPrimitives.WriteDoubleBigEndian(span, value);
            _buffer.Advance(8);
            return;
        }

        if (value >= 0)
        {
            WriteUnsigned((ulong)value);
        }
        else
        {
            WriteSigned((long)value);
        }
    }

    public void WriteInteger(long value)
    {
        if (value >= 0)
        {
            WriteUnsigned((ulong)value);
        }
        else
        {
            WriteSigned(value);
        }
    }

    private void WriteUnsigned(ulong value)
    {
        if (value < 0x80)
        {
            WriteByte((byte)value);
        }
        else if (value < 0x100)
        {
            WriteByte(0xcc);
            WriteByte((byte)value);
        }
        else if (value < 0x10000)
        {
            WriteByte(0xcd);
            WriteUInt16((ushort)value);
        }
        else if (value < 0x100000000)
        {
            WriteByte(0xce);
            WriteUInt32((uint)value);
        }
        else
        {
            WriteByte(0xcf);
            Span<byte> span = _buffer.GetSpan(8);
            BinaryPrimitives.WriteUInt64BigEndian(span, value);
            _buffer.Advance(8);
        }
    }

    private void WriteSigned(long value)
    {
        if (value >= -0x20)
        {
            WriteByte((byte)(sbyte)value);
        }
        else if (value >= -0x80)
        {
            WriteByte(0xd0);
            WriteByte((byte)(sbyte)value);
        }
        else if (value >= -0x8000)
        {
            WriteByte(0xd1);
            WriteUInt16((ushort)(short)value);
        }
        else if (value >= -0x80000000L)
        {
            WriteByte(0xd2);
            WriteUInt32((uint)(int)value);
        }
        else
        {
            WriteByte(0xd3);
            Span<byte> span = _buffer.GetSpan(8);
            BinaryPrimitives.WriteInt64BigEndian(span, value);
            _buffer.Advance(8);
        }
    }

    private void WriteStringHeader(int length)
    {
        if (length < 0x20)
        {
            WriteByte((byte)(0xa0 | length));
        }
        else if (length < 0x100)
        {
            WriteByte(0xd9);
            WriteByte((byte)length);
        }
        else if (length < 0x10000)
        {
            WriteByte(0xda);
            WriteUInt16((ushort)length);
        }
        else
        {
            WriteByte(0xdb);
            WriteUInt32((uint)length);
        }
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    private void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    private void WriteRaw(ReadOnlySpan<byte> data)
    {
        data.CopyTo(_buffer.GetSpan(data.Length));
        _buffer.Advance(data.Length);
    }
}

/// <summary>The kinds of MessagePack values.</summary>
internal enum MsgPackKind
{
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}

/// <summary>A bad message from the backplane: it is logged and dropped.</summary>
internal sealed class MsgPackException : Exception
{
    public MsgPackException(string message)
        : base(message)
    {
    }

    public MsgPackException()
    {
    }

    public MsgPackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Reads MessagePack from untrusted bytes: every length is checked against what is left; nothing is read past the end.</summary>
internal ref struct MsgPackReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public MsgPackReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public readonly MsgPackKind PeekKind()
    {
        if (End)
        {
            throw new MsgPackException("the message ends early");
        }

        byte b = _data[_position];
        return b switch
        {
            <= 0x7f => MsgPackKind.Integer,
            <= 0x8f => MsgPackKind.Map,
            <= 0x9f => MsgPackKind.Array,
            <= 0xbf => MsgPackKind.String,
            0xc0 => MsgPackKind.Nil,
            0xc2 or 0xc3 => MsgPackKind.Boolean,
            0xc4 or 0xc5 or 0xc6 => MsgPackKind.Binary,
            0xc7 or 0xc8 or 0xc9 or 0xd4 or 0xd5 or 0xd6 or 0xd7 or 0xd8 => MsgPackKind.Extension,
            0xca or 0xcb => MsgPackKind.Float,
            >= 0xcc and <= 0xd3 => MsgPackKind.Integer,
            0xd9 or 0xda or 0xdb => MsgPackKind.String,
            0xdc or 0xdd => MsgPackKind.Array,
            0xde or 0xdf => MsgPackKind.Map,
            >= 0xe0 => MsgPackKind.Integer,
            _ => throw new MsgPackException($"unknown MessagePack byte 0x{b:x2}"),
        };
    }

    public void ReadNil()
    {
        if (Take() != 0xc0)
        {
            throw new MsgPackException("nil expected");
        }
    }

    public bool TryReadNil()
    {
        if (!End && _data[_position] == 0xc0)
        {
            _position++;
            return true;
        }

        return false;
    }

    public bool ReadBoolean() => Take() switch
    {
        0xc2 => false,
        0xc3 => true,
        _ => throw new MsgPackException("boolean expected"),
    };

    public int ReadArrayHeader()
    {
        byte b = Take();
        return b switch
        {
            >= 0x90 and <= 0x9f => b & 0x0f,
            0xdc => CheckCount(BinaryPrimitives.ReadUInt16BigEndian(TakeSpan(2))),
            0xdd => CheckCount(BinaryPrimitives.ReadUInt32BigEndian(TakeSpan(4))),
            _ => throw new MsgPackException("array expected"),
        };
    }

    public int ReadMapHeader()
    {
        byte b = Take();
        return b switch
        {
            >= 0x80 and <= 0x8f => b & 0x0f,
            0xde => CheckCount(BinaryPrimitives.ReadUInt16BigEndian(TakeSpan(2)) * 2L) / 2,
            0xdf => CheckCount(BinaryPrimitives.ReadUInt32BigEndian(TakeSpan(4)) * 2L) / 2,
            _ => throw new MsgPackException("map expected"),
        };
    }

    public ReadOnlySpan<byte> ReadStringBytes()
    {
        byte b = Take();
        int length = b switch
        {
            >= 0xa0 and <= 0xbf => b & 0x1f,
            0xd9 => Take(),
            0xda => BinaryPrimitives.ReadUInt16BigEndian(TakeSpan(2)),
            0xdb => CheckLength(BinaryPrimitives.ReadUInt32BigEndian(TakeSpan(4))),
            _ => throw new MsgPackException("string expected"),
        };
        return TakeSpan(length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadStringBytes());

    public ReadOnlySpan<byte> ReadBinary()
    {
        byte b = Take();
        int length = b switch
        {
            0xc4 => Take(),
            0xc5 => BinaryPrimitives.ReadUInt16BigEndian(TakeSpan(2)),
            0xc6 => CheckLength(BinaryPrimitives.ReadUInt32BigEndian(TakeSpan(4))),
            _ => throw new MsgPackException("binary expected"),
        };
        return TakeSpan(length);
    }

    /// <summary>Any number, as the JavaScript number notepack decodes it to.</summary>
    public double ReadNumber()
    {
        byte b = Take();
        return b switch
        {
            <= 0x7f => b,
            >= 0xe0 => (sbyte)b,
            0xcc => Take(),
            0xcd => BinaryPrimitives.ReadUInt16BigEndian(TakeSpan(2)),
            0xce => BinaryPrimitives.ReadUInt32BigEndian(TakeSpan(4)),
            0xcf => BinaryPrimitives.ReadUInt64BigEndian(TakeSpan(8)),
            0xd0 => (sbyte)Take(),
            0xd1 => BinaryPrimitives.ReadInt16BigEndian(TakeSpan(2)),
            0xd2 => BinaryPrimitives.ReadInt32BigEndian(TakeSpan(4)),
            0xd3 => BinaryPrimitives.ReadInt64BigEndian(TakeSpan(8)),
            0xca => BinaryPrimitives.ReadSingleBigEndian(TakeSpan(4)),
            0xcb => BinaryPrimitives.ReadDoubleBigEndian(TakeSpan(8)),
            _ => throw new MsgPackException("number expected"),
        };
    }

    /// <summary>An extension value: its type and data.</summary>
    public ReadOnlySpan<byte> ReadExtension(out sbyte type)
    {
        byte b = Take();
        int length = b switch
        {
            0xd4 => 1,
            0xd5 => 2,
            0xd6 => 4,
            0xd7 => 8,
            0xd8 => 16,
            0xc7 => Take(),
            0xc8 => BinaryPrimitives.ReadUInt16BigEndian(TakeSpan(2)),
            0xc9 => CheckLength(BinaryPrimitives.ReadUInt32BigEndian(TakeSpan(4))),
            _ => throw new MsgPackException("extension expected"),
        };
        type = (sbyte)Take();
        return TakeSpan(length);
    }

    /// <summary>Skips one value (nested at most <paramref name="maxDepth"/> deep).</summary>
    public void Skip(int maxDepth)
    {
        if (maxDepth < 0)
        {
            throw new MsgPackException("the message is nested too deep");
        }

        switch (PeekKind())
        {
            case MsgPackKind.Nil:
            case MsgPackKind.Boolean:
                _position++;
                break;
            case MsgPackKind.Integer:
            case MsgPackKind.Float:
                ReadNumber();
                break;
            case MsgPackKind.String:
                ReadStringBytes();
                break;
            case MsgPackKind.Binary:
                ReadBinary();
                break;
            case MsgPackKind.Extension:
                ReadExtension(out _);
                break;
            case MsgPackKind.Array:
                for (int i = ReadArrayHeader(); i > 0; i--)
                {
                    Skip(maxDepth - 1);
                }

                break;
            case MsgPackKind.Map:
                for (int i = ReadMapHeader(); i > 0; i--)
                {
                    Skip(maxDepth - 1);
                    Skip(maxDepth - 1);
                }

                break;
        }
    }

    /// <summary>The bytes of the next value, skipped.</summary>
    public ReadOnlySpan<byte> ReadRaw(int maxDepth)
    {
        int start = _position;
        Skip(maxDepth);
        return _data[start.._position];
    }

    private byte Take()
    {
        if (_position >= _data.Length)
        {
            throw new MsgPackException("the message ends early");
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> TakeSpan(int length)
    {
        if (length < 0 || length > _data.Length - _position)
        {
            throw new MsgPackException("a length runs past the end of the message");
        }

        ReadOnlySpan<byte> span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    // Each element takes at least one byte: a count larger than what is left is a lie, refused before anything is allocated.
    private readonly int CheckCount(long count) =>
        count <= _data.Length - _position ? (int)count : throw new MsgPackException("a count runs past the end of the message");

    private readonly int CheckLength(uint length) =>
        length <= (uint)(_data.Length - _position) ? (int)length : throw new MsgPackException("a length runs past the end of the message");
}

/// <summary>
/// Transcodes between the Socket.IO JSON form of values (binary as placeholders <c>{"_placeholder":true,"num":n}</c> and
/// attachments) and the MessagePack form the Node adapters carry (binary as bin), exactly as the Node server would see them:
/// JSON text from MessagePack is what <c>JSON.stringify</c> writes.
/// </summary>
internal static class JsonMsgPack
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    /// <summary>Writes a JSON value as MessagePack; placeholders become the attachments they stand for.</summary>
    public static void Write(MsgPackWriter writer, JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                writer.WriteNil();
                break;
            case JsonValueKind.True:
                writer.WriteBoolean(true);
                break;
            case JsonValueKind.False:
                writer.WriteBoolean(false);
                break;
            case JsonValueKind.Number:
                writer.WriteNumber(element.GetDouble());
                break;
            case JsonValueKind.String:
                writer.WriteString(element.GetString()!);
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Write(writer, item, attachments);
                }

                break;
            case JsonValueKind.Object:
                if (TryGetPlaceholder(element, attachments.Count, out int num))
                {
                    writer.WriteBinary(attachments[num].Span);
                    break;
                }

                int count = 0;
                foreach (JsonProperty unused in element.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    writer.WriteString(property.Name);
                    Write(writer, property.Value, attachments);
                }

                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    /// <summary>
    /// Reads one MessagePack value and writes it as JSON (as <c>JSON.stringify</c> would); bin values become placeholders and
    /// attachments, numbered in order.
    /// </summary>
    public static void ToJson(ref MsgPackReader reader, ArrayBufferWriter<byte> json, List<ReadOnlyMemory<byte>> attachments, int maxDepth, int maxAttachments)
    {
        if (maxDepth < 0)
        {
            throw new MsgPackException("the message is nested too deep");
        }

        switch (reader.PeekKind())
        {
            case MsgPackKind.Nil:
                reader.ReadNil();
                Append(json, "null"u8);
                break;
            case MsgPackKind.Boolean:
                Append(json, reader.ReadBoolean() ? "true"u8 : "false"u8);
                break;
            case MsgPackKind.Integer:
            case MsgPackKind.Float:
                WriteJsNumber(json, reader.ReadNumber());
                break;
            case MsgPackKind.String:
                WriteJsonString(json, reader.ReadStringBytes());
                break;
            case MsgPackKind.Binary:
                if (attachments.Count >= maxAttachments)
                {
                    throw new MsgPackException($"more than {maxAttachments} binary values");
                }

                attachments.Add(reader.ReadBinary().ToArray());
                Append(json, "{\"_placeholder\":true,\"num\":"u8);
                Append(json, Encoding.ASCII.GetBytes((attachments.Count - 1).ToString(CultureInfo.InvariantCulture)));
                Append(json, "}"u8);
                break;
            case MsgPackKind.Extension:
                ReadOnlySpan<byte> ext = reader.ReadExtension(out sbyte type);
                if (type == -1 && TryReadTimestamp(ext, out DateTimeOffset time))
                {
                    // A Date: JSON.stringify writes its toJSON(), the ISO string in milliseconds.
                    WriteJsonString(json, Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
                }
                else
                {
                    Append(json, "null"u8);
                }

                break;
            case MsgPackKind.Array:
                int length = reader.ReadArrayHeader();
                Append(json, "["u8);
                for (int i = 0; i < length; i++)
                {
                    if (i > 0)
                    {
                        Append(json, ","u8);
                    }

                    ToJson(ref reader, json, attachments, maxDepth - 1, maxAttachments);
                }

                Append(json, "]"u8);
                break;
            case MsgPackKind.Map:
                int pairs = reader.ReadMapHeader();
                Append(json, "{"u8);
                for (int i = 0; i < pairs; i++)
                {
                    if (i > 0)
                    {
                        Append(json, ","u8);
                    }

                    if (reader.PeekKind() != MsgPackKind.String)
                    {
                        throw new MsgPackException("a map key is not a string");
                    }

                    WriteJsonString(json, reader.ReadStringBytes());
                    Append(json, ":"u8);
                    ToJson(ref reader, json, attachments, maxDepth - 1, maxAttachments);
                }

                Append(json, "}"u8);
                break;
        }
    }

    /// <summary>A JavaScript number as <c>JSON.stringify</c> writes it (<c>Number.prototype.toString</c>; non-finite as <c>null</c>).</summary>
    public static void WriteJsNumber(ArrayBufferWriter<byte> json, double value)
    {
        if (!double.IsFinite(value))
        {
            Append(json, "null"u8);
            return;
        }

        if (value == 0)
        {
            Append(json, "0"u8);
            return;
        }

        // Shortest round-trip digits and exponent, then JavaScript's layout (ECMA-262 Number::toString).
        ParseShortest(value.ToString("R", CultureInfo.InvariantCulture), out bool negative, out string digits, out int exponent);
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        int k = digits.Length;
        int n = exponent + 1; // value = 0.digits × 10^n
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            sb.Append('e').Append(n - 1 >= 0 ? '+' : '-').Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }

        Append(json, Encoding.ASCII.GetBytes(sb.ToString()));
    }

    /// <summary>A UTF-8 string as <c>JSON.stringify</c> writes it: only <c>"</c>, <c>\</c> and control characters escaped.</summary>
    public static void WriteJsonString(ArrayBufferWriter<byte> json, ReadOnlySpan<byte> utf8)
    {
        Append(json, "\""u8);
        int start = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\')
            {
                continue;
            }

            Append(json, utf8[start..i]);
            ReadOnlySpan<byte> escape = b switch
            {
                (byte)'"' => "\\\""u8,
                (byte)'\\' => "\\\\"u8,
                (byte)'\b' => "\\b"u8,
                (byte)'\f' => "\\f"u8,
                (byte)'\n' => "\\n"u8,
                (byte)'\r' => "\\r"u8,
                (byte)'\t' => "\\t"u8,
                _ => default,
            };
            if (escape.IsEmpty)
            {
                Span<byte> u = [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex[b >> 4], Hex[b & 0xf]];
                Append(json, u);
            }
            else
            {
                Append(json, escape);
            }

            start = i + 1;
        }

        Append(json, utf8[start..]);
        Append(json, "\""u8);
    }

    public static void Append(ArrayBufferWriter<byte> json, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(json.GetSpan(bytes.Length));
        json.Advance(bytes.Length);
    }

    private static void ParseShortest(string s, out bool negative, out string digits, out int exponent)
    {
        // "R": e.g. "-1.2345E-07", "123.45", "1E+21".
        negative = s[0] == '-';
        if (negative)
        {
            s = s[1..];
        }

        int e = s.IndexOfAny(['E', 'e']);
        int exp = 0;
        string mantissa = s;
        if (e >= 0)
        {
            exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = s[..e];
        }

        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string intPart = dot < 0 ? mantissa : mantissa[..dot];
        string fracPart = dot < 0 ? string.Empty : mantissa[(dot + 1)..];
        string all = intPart + fracPart;
        int leading = 0;
        while (leading < all.Length - 1 && all[leading] == '0')
        {
            leading++;
        }

        // Position of the first significant digit relative to the decimal point.
        exponent = exp + intPart.Length - 1 - leading;
        digits = all[leading..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
    }

    private static bool TryGetPlaceholder(JsonElement element, int count, out int num)
    {
        num = -1;
        return element.TryGetProperty("_placeholder"u8, out JsonElement flag) && flag.ValueKind == JsonValueKind.True
            && element.TryGetProperty("num"u8, out JsonElement n) && n.TryGetInt32(out num) && num >= 0 && num < count;
    }

    private static bool TryReadTimestamp(ReadOnlySpan<byte> data, out DateTimeOffset time)
    {
        time = default;
        long seconds;
        long nanoseconds;
        switch (data.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanoseconds = 0;
                break;
            case 8:
                ulong value = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanoseconds = (long)(value >> 34);
                seconds = (long)(value & 0x3_ffff_ffffUL);
                break;
            case 12:
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data[4..]);
                break;
            default:
                return false;
        }

        if (seconds < -62135596800 || seconds > 253402300799)
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 1_000_000 * TimeSpan.TicksPerMillisecond);
        return true;
    }
}
