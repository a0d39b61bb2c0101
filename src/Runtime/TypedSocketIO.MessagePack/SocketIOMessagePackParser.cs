using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MessagePack;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.MessagePack;

/// <summary>
/// The official <c>socket.io-msgpack-parser</c> (npm 3.0.2, on <c>notepack.io</c>): every packet is one binary Engine.IO message
/// holding the MessagePack map <c>{type, data, nsp, id}</c>, binary values inline as <c>bin</c>, no attachment messages, and only
/// the packet types 0–4 (an event with binary is still type 2). This class transcodes between that map and the default parser's
/// form (JSON text, binary values as placeholders, attachments), so the typed System.Text.Json layer is the same on both.
/// </summary>
/// <remarks>
/// Encoding follows <c>notepack.io</c>: integers in their smallest MessagePack form (unsigned codes for positive values),
/// other numbers as float64, strings as str, objects as maps in their JSON order. The server writes its keys in the order the
/// official server sets them on its packet objects (an event: <c>type, data, id, nsp</c>; an acknowledgement:
/// <c>id, type, data, nsp</c>; a connect: <c>type, data, nsp</c>); decoders read keys in any order and ignore unknown ones (the
/// official client also sends <c>options</c>). Decoding accepts what the official decoder accepts, within the parser limits
/// (nesting depth, binary values per packet), and rejects anything else with <see cref="SocketIOProtocolException"/>: a map key
/// that is not a string, an extension type other than <c>notepack.io</c>'s <c>undefined</c> (read as <c>null</c>), a text message.
/// </remarks>
public sealed class SocketIOMessagePackParser : ISocketIOParser
{
    private const int Connect = 0;
    private const int Disconnect = 1;
    private const int Event = 2;
    private const int Ack = 3;
    private const int ConnectError = 4;

    private SocketIOMessagePackParser()
    {
    }

    /// <summary>The parser (it has no state).</summary>
    public static SocketIOMessagePackParser Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "msgpack";

    /// <inheritdoc/>
    public byte[] Encode(ReadOnlySpan<byte> text, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        if (text.IsEmpty)
        {
            throw new ArgumentException("A packet has at least its type.", nameof(text));
        }

        int type = text[0] - '0';
        int position = 1;
        if (type is 5 or 6)
        {
            // BINARY_EVENT / BINARY_ACK: the msgpack parser sends them as EVENT / ACK with the binary inline.
            int dash = text.IndexOf((byte)'-');
            position = dash > 1 ? dash + 1 : throw new ArgumentException("A binary packet's text starts with its attachment count and '-'.", nameof(text));
            type -= 3;
        }

        if (type is < Connect or > ConnectError)
        {
            throw new ArgumentException("Not a Socket.IO packet type: " + (char)text[0], nameof(text));
        }

        string nsp = SocketIOProtocol.DefaultNamespace;
        if (position < text.Length && text[position] == (byte)'/')
        {
            int comma = text[position..].IndexOf((byte)',');
            int end = comma < 0 ? text.Length : position + comma;
            nsp = Encoding.UTF8.GetString(text[position..end]);
            position = comma < 0 ? end : end + 1;
        }

        long id = -1;
        while (position < text.Length && text[position] is >= (byte)'0' and <= (byte)'9')
        {
            id = (Math.Max(id, 0) * 10) + (text[position] - '0');
            position++;
        }

        ReadOnlySpan<byte> data = text[position..];
        var buffer = new ArrayBufferWriter<byte>(data.Length + 32);
        var writer = new MessagePackWriter(buffer);
        switch (type)
        {
            case Event:
                writer.WriteMapHeader(id >= 0 ? 4 : 3);
                WriteKey(ref writer, "type"u8);
                writer.Write(type);
                WriteKey(ref writer, "data"u8);
                WriteJson(ref writer, data, attachments);
                if (id >= 0)
                {
                    WriteKey(ref writer, "id"u8);
                    writer.Write(id);
                }

                WriteKey(ref writer, "nsp"u8);
                writer.Write(nsp);
                break;

            case Ack:
                writer.WriteMapHeader(4);
                WriteKey(ref writer, "id"u8);
                writer.Write(Math.Max(id, 0));
                WriteKey(ref writer, "type"u8);
                writer.Write(type);
                WriteKey(ref writer, "data"u8);
                WriteJson(ref writer, data, attachments);
                WriteKey(ref writer, "nsp"u8);
                writer.Write(nsp);
                break;

            case Disconnect:
                writer.WriteMapHeader(2);
                WriteKey(ref writer, "type"u8);
                writer.Write(type);
                WriteKey(ref writer, "nsp"u8);
                writer.Write(nsp);
                break;

            default: // CONNECT (data optional), CONNECT_ERROR
                writer.WriteMapHeader(data.IsEmpty ? 2 : 3);
                WriteKey(ref writer, "type"u8);
                writer.Write(type);
                if (!data.IsEmpty)
                {
                    WriteKey(ref writer, "data"u8);
                    WriteJson(ref writer, data, attachments);
                }

                WriteKey(ref writer, "nsp"u8);
                writer.Write(nsp);
                break;
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public SocketIODecodedMessage Decode(ReadOnlySpan<byte> message, bool isBinary, SocketIOParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!isBinary)
        {
            throw new SocketIOProtocolException("the msgpack parser receives binary messages only");
        }

        try
        {
            return DecodeCore(message.ToArray(), options);
        }
        // ArgumentException: MessagePackReader's own refusal of a length past the message, or of a string that is not UTF-8
        // (DecoderFallbackException), found by MessagePackParserFuzzTests.
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException
            or ArgumentException)
        {
            throw new SocketIOProtocolException("invalid MessagePack packet: " + ex.Message, ex);
        }
    }

    private static SocketIODecodedMessage DecodeCore(byte[] message, SocketIOParserOptions options)
    {
        var reader = new MessagePackReader(message);
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            throw new SocketIOProtocolException("a msgpack packet is a map");
        }

        int count = reader.ReadMapHeader();
        int type = -1;
        string? nsp = null;
        long id = -1;
        bool hasId = false;
        ArrayBufferWriter<byte>? data = null;
        JsonValueKind dataKind = JsonValueKind.Undefined;
        var attachments = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            string? key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            switch (key)
            {
                case "type" when reader.NextMessagePackType == MessagePackType.Integer:
                    long value = reader.ReadInt64();
                    type = value is >= Connect and <= ConnectError ? (int)value : throw new SocketIOProtocolException("invalid packet type");
                    break;
                case "type":
                    throw new SocketIOProtocolException("invalid packet type");
                case "nsp":
                    nsp = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : throw new SocketIOProtocolException("invalid namespace");
                    break;
                case "id" when reader.NextMessagePackType == MessagePackType.Integer:
                    id = reader.ReadInt64();
                    hasId = id >= 0 && id <= SocketIOProtocol.MaxAckId ? true : throw new SocketIOProtocolException("invalid packet id");
                    break;
                case "id" when reader.TryReadNil():
                    break; // notepack writes an absent id as nothing, but a peer may write nil
                case "id":
                    throw new SocketIOProtocolException("invalid packet id");
                case "data":
                    data = new ArrayBufferWriter<byte>(64);
                    using (var json = new Utf8JsonWriter(data, new JsonWriterOptions { Encoder = SocketIOJsonOptions.JsonStringifyEncoder, SkipValidation = true }))
                    {
                        dataKind = reader.NextMessagePackType switch
                        {
                            MessagePackType.Map => JsonValueKind.Object,
                            MessagePackType.Array => JsonValueKind.Array,
                            MessagePackType.String => JsonValueKind.String,
                            _ => JsonValueKind.Number,
                        };
                        if (reader.NextMessagePackType == MessagePackType.Extension && IsUndefined(ref reader))
                        {
                            data = null; // notepack's undefined: as if there were no data
                            dataKind = JsonValueKind.Undefined;
                            break;
                        }

                        TranscodeValue(ref reader, json, attachments, options, 1);
                    }

                    break;
                default:
                    // Another key (the official client sends "options"): checked as any value, then ignored.
                    if (key is null)
                    {
                        TranscodeValue(ref reader, null, null, options, 1);
                    }

                    TranscodeValue(ref reader, null, null, options, 1);
                    break;
            }
        }

        if (!reader.End)
        {
            throw new SocketIOProtocolException("bytes after the msgpack packet");
        }

        if (type < 0)
        {
            throw new SocketIOProtocolException("invalid packet type");
        }

        if (nsp is null || nsp.Length == 0 || nsp[0] != '/' || nsp.Contains(',', StringComparison.Ordinal))
        {
            throw new SocketIOProtocolException("invalid namespace");
        }

        bool valid = type switch
        {
            Connect => dataKind is JsonValueKind.Undefined or JsonValueKind.Object,
            Disconnect => dataKind == JsonValueKind.Undefined,
            ConnectError => dataKind is JsonValueKind.String or JsonValueKind.Object,
            _ => dataKind == JsonValueKind.Array,
        };
        if (!valid)
        {
            throw new SocketIOProtocolException("invalid payload");
        }

        // The default form has binary packets for EVENT and ACK only (found by the msgpack SharpFuzz target: a CONNECT with
        // a binary value in its auth came out as the text of an ACK).
        if (attachments.Count > 0 && type is not (Event or Ack))
        {
            throw new SocketIOProtocolException("only EVENT and ACK packets carry binary data");
        }

        var text = new ArrayBufferWriter<byte>((data?.WrittenCount ?? 0) + nsp.Length + 24);
        int written = type;
        if (attachments.Count > 0)
        {
            written = type + 3; // BINARY_EVENT / BINARY_ACK in the default form
        }

        Append(text, (char)('0' + written));
        if (attachments.Count > 0)
        {
            Append(text, attachments.Count.ToString(CultureInfo.InvariantCulture));
            Append(text, '-');
        }

        if (nsp != SocketIOProtocol.DefaultNamespace)
        {
            Append(text, nsp);
            Append(text, ',');
        }

        if (hasId && type is Event or Ack)
        {
            Append(text, id.ToString(CultureInfo.InvariantCulture));
        }

        if (data is not null)
        {
            text.Write(data.WrittenSpan);
        }

        return new SocketIODecodedMessage(text.WrittenSpan.ToArray(), attachments);
    }

    private static bool IsUndefined(ref MessagePackReader reader)
    {
        MessagePackReader peek = reader.CreatePeekReader();
        ExtensionHeader header = peek.ReadExtensionFormatHeader();
        if (header.TypeCode != 0 || header.Length != 1)
        {
            return false;
        }

        reader.ReadExtensionFormat();
        return true;
    }

    /// <summary>One MessagePack value as JSON (<paramref name="json"/> null: checked and skipped).</summary>
    private static void TranscodeValue(ref MessagePackReader reader, Utf8JsonWriter? json, List<byte[]>? attachments, SocketIOParserOptions options, int depth)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                json?.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                bool b = reader.ReadBoolean();
                json?.WriteBooleanValue(b);
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    ulong u = reader.ReadUInt64();
                    json?.WriteNumberValue(u);
                }
                else
                {
                    long l = reader.ReadInt64();
                    json?.WriteNumberValue(l);
                }

                break;
            case MessagePackType.Float:
                double d = reader.ReadDouble();
                if (double.IsFinite(d))
                {
                    json?.WriteNumberValue(d);
                }
                else
                {
                    json?.WriteNullValue(); // as JSON.stringify writes NaN and Infinity
                }

                break;
            case MessagePackType.String:
                string? s = reader.ReadString();
                json?.WriteStringValue(s);
                break;
            case MessagePackType.Binary:
                ReadOnlySequence<byte> bytes = reader.ReadBytes() ?? default;
                if (attachments is not null)
                {
                    if (attachments.Count >= options.MaxAttachments)
                    {
                        throw new SocketIOProtocolException("too many attachments");
                    }

                    json!.WriteStartObject();
                    json.WriteBoolean("_placeholder"u8, true);
                    json.WriteNumber("num"u8, attachments.Count);
                    json.WriteEndObject();
                    attachments.Add(bytes.ToArray());
                }

                break;
            case MessagePackType.Array:
                CheckDepth(depth, options);
                int length = reader.ReadArrayHeader();
                json?.WriteStartArray();
                for (int i = 0; i < length; i++)
                {
                    TranscodeValue(ref reader, json, attachments, options, depth + 1);
                }

                json?.WriteEndArray();
                break;
            case MessagePackType.Map:
                CheckDepth(depth, options);
                int entries = reader.ReadMapHeader();
                json?.WriteStartObject();
                for (int i = 0; i < entries; i++)
                {
                    if (reader.NextMessagePackType != MessagePackType.String)
                    {
                        throw new SocketIOProtocolException("a map key that is not a string");
                    }

                    string key = reader.ReadString()!;
                    json?.WritePropertyName(key);
                    TranscodeValue(ref reader, json, attachments, options, depth + 1);
                }

                json?.WriteEndObject();
                break;
            case MessagePackType.Extension:
                if (!IsUndefined(ref reader))
                {
                    throw new SocketIOProtocolException("unsupported MessagePack extension type " + reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode.ToString(CultureInfo.InvariantCulture));
                }

                json?.WriteNullValue(); // notepack's undefined, which JSON.stringify writes as null in an array
                break;
            default:
                throw new SocketIOProtocolException("invalid MessagePack value");
        }
    }

    private static void CheckDepth(int depth, SocketIOParserOptions options)
    {
        if (depth > options.MaxDepth)
        {
            throw new SocketIOProtocolException("JSON too deep");
        }
    }

    private static void WriteKey(ref MessagePackWriter writer, ReadOnlySpan<byte> utf8) => writer.WriteString(utf8);

    /// <summary>A JSON value of the default form as MessagePack: placeholders become their attachment as bin.</summary>
    private static void WriteJson(ref MessagePackWriter writer, ReadOnlySpan<byte> json, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 4096 });
        WriteElement(ref writer, document.RootElement, attachments);
    }

    private static void WriteElement(ref MessagePackWriter writer, JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                writer.WriteNil();
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number:
                WriteNumber(ref writer, element);
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (JsonElement item in element.EnumerateArray())
                {
                    WriteElement(ref writer, item, attachments);
                }

                break;
            default:
                if (TryGetPlaceholder(element, out int num) && num < attachments.Count)
                {
                    writer.Write(attachments[num].Span);
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
                    writer.Write(property.Name);
                    WriteElement(ref writer, property.Value, attachments);
                }

                break;
        }
    }

    /// <summary>As notepack.io: an integral number in its smallest integer form, anything else as float64.</summary>
    private static void WriteNumber(ref MessagePackWriter writer, JsonElement element)
    {
        if (element.TryGetInt64(out long integer))
        {
            writer.Write(integer);
            return;
        }

        if (element.TryGetUInt64(out ulong large))
        {
            writer.Write(large);
            return;
        }

        double value = element.GetDouble();
        if (Math.Floor(value) == value && Math.Abs(value) < 9.2233720368547758E18)
        {
            writer.Write((long)value);
        }
        else
        {
            writer.Write(value);
        }
    }

    private static bool TryGetPlaceholder(JsonElement element, out int num)
    {
        num = -1;
        bool placeholder = false;
        int properties = 0;
        foreach (JsonProperty property in element.EnumerateObject())
        {
            properties++;
            if (property.NameEquals("_placeholder"u8) && property.Value.ValueKind == JsonValueKind.True)
            {
                placeholder = true;
            }
            else if (property.NameEquals("num"u8) && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out int n) && n >= 0)
            {
                num = n;
            }
        }

        return properties == 2 && placeholder && num >= 0;
    }

    private static void Append(ArrayBufferWriter<byte> buffer, char c)
    {
        buffer.GetSpan(1)[0] = (byte)c;
        buffer.Advance(1);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string s)
    {
        int count = Encoding.UTF8.GetByteCount(s);
        Encoding.UTF8.GetBytes(s, buffer.GetSpan(count));
        buffer.Advance(count);
    }
}
