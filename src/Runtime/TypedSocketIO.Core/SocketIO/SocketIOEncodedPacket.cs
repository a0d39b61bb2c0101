using System.Text.Encodings.Web;
using System.Text.Json;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// An encoded Socket.IO packet: the text frame and the binary frames that follow it. Immutable: every array is
/// exact-size and owned by this instance, so one packet can be handed to many connections (encode once, send many).
/// </summary>
public sealed class SocketIOEncodedPacket
{
    internal SocketIOEncodedPacket(SocketIOPacketType type, byte[] text, ReadOnlyMemory<byte>[] attachments)
    {
        Type = type;
        Text = text;
        Attachments = attachments;
    }

    /// <summary>The packet made of the text of an EVENT or ACK without attachments (its type is its first digit).</summary>
    internal static SocketIOEncodedPacket FromText(byte[] text) => new((SocketIOPacketType)(text[0] - '0'), text, []);

    // The encoding of another parser (ISocketIOParser), made once for every connection this packet goes to (a broadcast).
    private ParserEncoding? _parserEncoding;

    /// <summary>The packet type as encoded (an event with attachments is <see cref="SocketIOPacketType.BinaryEvent"/>).</summary>
    public SocketIOPacketType Type { get; }

    /// <summary>The text frame, e.g. <c>2/chat,12["x",1]</c>, without the Engine.IO <c>4</c> prefix. Never mutate it.</summary>
    public ReadOnlyMemory<byte> Text { get; }

    /// <summary>The binary frames to send right after <see cref="Text"/>, in order; empty for a non-binary packet.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>
    /// This packet as <paramref name="parser"/> sends it, encoded on first use and kept, so that a broadcast to many connections
    /// of that parser encodes it once (as the default parser's text is written once).
    /// </summary>
    internal byte[] EncodeWith(ISocketIOParser parser)
    {
        ParserEncoding? cached = Volatile.Read(ref _parserEncoding);
        if (cached is not null && ReferenceEquals(cached.Parser, parser))
        {
            return cached.Message;
        }

        byte[] message = parser.Encode(Text.Span, Attachments);
        Volatile.Write(ref _parserEncoding, new ParserEncoding(parser, message));
        return message;
    }

    /// <summary>Encodes a CONNECT packet: <c>0</c>, <c>0/admin,</c>, or with a payload <c>0/admin,{"sid":"…"}</c>.</summary>
    /// <param name="nsp">The namespace, starting with '/'.</param>
    /// <param name="payloadJson">A UTF-8 JSON object (the server sends <c>{"sid":"…"}</c>), or empty for none.</param>
    /// <returns>The encoded packet.</returns>
    /// <exception cref="ArgumentException">The namespace is invalid, or the payload is not one JSON object.</exception>
    public static SocketIOEncodedPacket Connect(string nsp, ReadOnlySpan<byte> payloadJson)
    {
        SocketIOPacketHeader.ValidateNamespace(nsp, nameof(nsp));
        if (!payloadJson.IsEmpty && !IsJsonObject(payloadJson))
        {
            throw new ArgumentException("The CONNECT payload must be one JSON object.", nameof(payloadJson));
        }

        return new SocketIOEncodedPacket(
            SocketIOPacketType.Connect,
            SocketIOPacketHeader.Compose(SocketIOPacketType.Connect, 0, nsp, -1, payloadJson),
            []);
    }

    /// <summary>
    /// Encodes a CONNECT_ERROR packet as the official server does:
    /// <c>4/nsp,{"message":"…","data":…}</c>, <c>"data"</c> omitted when <paramref name="dataJson"/> is empty.
    /// </summary>
    /// <param name="nsp">The namespace, starting with '/'.</param>
    /// <param name="message">The error message the client sees (<c>err.message</c>).</param>
    /// <param name="dataJson">UTF-8 JSON of the error's <c>data</c> (<c>err.data</c>), or empty for none.</param>
    /// <returns>The encoded packet.</returns>
    /// <exception cref="ArgumentException">The namespace is invalid, or <paramref name="dataJson"/> is not valid JSON.</exception>
    public static SocketIOEncodedPacket ConnectError(string nsp, string message, ReadOnlySpan<byte> dataJson = default)
    {
        SocketIOPacketHeader.ValidateNamespace(nsp, nameof(nsp));
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new PooledByteBufferWriter(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = SocketIOJsonEncoder.Instance }))
        {
            json.WriteStartObject();
            json.WriteString("message"u8, message);
            if (!dataJson.IsEmpty)
            {
                json.WritePropertyName("data"u8);
                JsonDocument data;
                try
                {
                    data = JsonDocument.Parse(dataJson.ToArray());
                }
                catch (JsonException e)
                {
                    throw new ArgumentException("The CONNECT_ERROR data must be valid JSON.", nameof(dataJson), e);
                }

                // Written again rather than copied, as Node's JSON.stringify writes err.data: strings and names escaped as it
                // escapes them and numbers as it formats them, whatever wrote the caller's bytes. Rare (a refusal), so the parse
                // costs nothing that matters.
                using (data)
                {
                    WriteAsJsonStringify(json, data.RootElement);
                }
            }

            json.WriteEndObject();
        }

        return new SocketIOEncodedPacket(
            SocketIOPacketType.ConnectError,
            SocketIOPacketHeader.Compose(SocketIOPacketType.ConnectError, 0, nsp, -1, buffer.WrittenSpan),
            []);
    }

    /// <summary>
    /// Encodes an EVENT from its parts, as socket.io-parser encodes the official packet object <c>{type, nsp, data, id}</c>:
    /// the header, then <paramref name="dataJson"/> as it is. With attachments it is a BINARY_EVENT. Adapters use it to encode a
    /// broadcast once (from the structure a cluster message carries).
    /// </summary>
    /// <param name="nsp">The namespace, starting with '/'.</param>
    /// <param name="dataJson">The UTF-8 JSON array <c>["event", …arguments]</c>, binary values as placeholders numbered in order.</param>
    /// <param name="attachments">The attachments the placeholders stand for (not copied: they must never change).</param>
    /// <param name="ackId">The acknowledgement id, or -1 for none.</param>
    /// <returns>The encoded packet.</returns>
    /// <exception cref="ArgumentException">The namespace or the ack id is invalid, or the data is not a JSON array.</exception>
    public static SocketIOEncodedPacket Event(string nsp, ReadOnlySpan<byte> dataJson, IReadOnlyList<ReadOnlyMemory<byte>> attachments, long ackId = -1)
    {
        SocketIOPacketHeader.ValidateNamespace(nsp, nameof(nsp));
        SocketIOPacketHeader.ValidateAckId(ackId, nameof(ackId));
        ArgumentNullException.ThrowIfNull(attachments);
        if (dataJson.Length < 2 || dataJson[0] != (byte)'[' || dataJson[^1] != (byte)']')
        {
            throw new ArgumentException("The data of an EVENT is a JSON array.", nameof(dataJson));
        }

        SocketIOPacketType type = attachments.Count > 0 ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event;
        ReadOnlyMemory<byte>[] copy = attachments.Count == 0 ? [] : [.. attachments];
        return new SocketIOEncodedPacket(type, SocketIOPacketHeader.Compose(type, copy.Length, nsp, ackId, dataJson), copy);
    }

    /// <summary>Encodes a DISCONNECT packet: <c>1</c> for the main namespace, else <c>1/admin,</c>.</summary>
    /// <param name="nsp">The namespace, starting with '/'.</param>
    /// <returns>The encoded packet.</returns>
    /// <exception cref="ArgumentException">The namespace is invalid.</exception>
    public static SocketIOEncodedPacket Disconnect(string nsp)
    {
        SocketIOPacketHeader.ValidateNamespace(nsp, nameof(nsp));
        return new SocketIOEncodedPacket(
            SocketIOPacketType.Disconnect,
            SocketIOPacketHeader.Compose(SocketIOPacketType.Disconnect, 0, nsp, -1, default),
            []);
    }

    private static bool IsJsonObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="element"/> as JavaScript's <c>JSON.stringify(JSON.parse(text))</c> would: strings through the
    /// <c>JSON.stringify</c> escaping, numbers as ECMAScript's Number::toString of their double (<c>1.0</c> → <c>1</c>,
    /// <c>1E+21</c> → <c>1e+21</c>, <c>-0</c> → <c>0</c>, out of range → <c>null</c>).
    /// </summary>
    private static void WriteAsJsonStringify(Utf8JsonWriter json, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    json.WritePropertyName(property.Name);
                    WriteAsJsonStringify(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray())
                {
                    WriteAsJsonStringify(json, item);
                }

                json.WriteEndArray();
                break;
            case JsonValueKind.String:
                SocketIOStringConverter.Write(json, element.GetString().AsSpan());
                break;
            case JsonValueKind.Number:
                // JSON.parse gives Infinity for a number out of double's range, which JSON.stringify writes as null.
                SocketIONumberConverter.Instance.Write(json, element.TryGetDouble(out double value) ? value : double.PositiveInfinity, null!);
                break;
            default:
                element.WriteTo(json);
                break;
        }
    }

    private sealed record ParserEncoding(ISocketIOParser Parser, byte[] Message);
}
