using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Connection state recovery: the same EVENT packet with one more argument, its offset, as the official server pushes the
/// offset onto the packet's data. The packet is decoded and written again (binary attachments anywhere in it kept in order).
/// </summary>
internal static class SocketIOOffsetPacket
{
    private static readonly SocketIOParserOptions DecodeOptions = new() { MaxAttachments = int.MaxValue, MaxDepth = 4096 };
    private static readonly JsonTypeInfo<ReplayArgument> ReplayTypeInfo = CreateTypeInfo();

    /// <summary>
    /// Whether <paramref name="packet"/> is an EVENT without acknowledgement id and, if so, the decoded packet to write again
    /// with <see cref="Build"/>. Decoding a packet this server built does not fail; if it does, the packet gets no offset.
    /// </summary>
    public static bool TryDecode(SocketIOEncodedPacket packet, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketIOPacket? decoded)
    {
        decoded = null;
        if (packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent))
        {
            return false;
        }

        try
        {
            var decoder = new SocketIOPacketDecoder(DecodeOptions);
            SocketIOPacket? result = decoder.DecodeText(packet.Text.Span);
            foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
            {
                result = decoder.DecodeBinary(attachment.Span);
            }

            if (result is null || result.HasAckId || result.EventName is null)
            {
                return false;
            }

            decoded = result;
            return true;
        }
        catch (SocketIOProtocolException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="decoded"/> again with <paramref name="offset"/> as its last argument.</summary>
    public static SocketIOEncodedPacket Build(SocketIOPacket decoded, string offset)
    {
        SocketIOArguments arguments = SocketIOArguments.FromEvent(decoded, out string eventName);
        IReadOnlyList<ReadOnlyMemory<byte>> attachments = arguments.Attachments;
        using var writer = new SocketIOPacketWriter { MaxAttachments = Math.Max(SocketIOParserOptions.DefaultMaxAttachments, attachments.Count) };
        writer.StartEvent(eventName);
        for (int i = 0; i < arguments.Count; i++)
        {
            ReadOnlyMemory<byte> raw = arguments.GetRawJson(i);
            if (attachments.Count == 0)
            {
                writer.WriteRawJson(raw.Span);
            }
            else if (arguments.IsBinary(i))
            {
                writer.WriteBinary(arguments.GetBinary(i));
            }
            else if (raw.Span.IndexOf("\"_placeholder\""u8) < 0)
            {
                writer.WriteRawJson(raw.Span);
            }
            else
            {
                // Placeholders nested in the argument: written again as attachments, so they are numbered anew in order.
                writer.WriteArgument(new ReplayArgument(raw, attachments), ReplayTypeInfo);
            }
        }

        writer.WriteArgument(offset);
        return writer.Build(decoded.Namespace);
    }

    private static JsonTypeInfo<ReplayArgument> CreateTypeInfo()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = new ReplayResolver(), MaxDepth = 4096 };
        options.MakeReadOnly();
        return (JsonTypeInfo<ReplayArgument>)options.GetTypeInfo(typeof(ReplayArgument));
    }

    private sealed record ReplayArgument(ReadOnlyMemory<byte> Json, IReadOnlyList<ReadOnlyMemory<byte>> Attachments);

    private sealed class ReplayResolver : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
            type == typeof(ReplayArgument) ? JsonMetadataServices.CreateValueInfo<ReplayArgument>(options, new ReplayConverter()) : null;
    }

    private sealed class ReplayConverter : JsonConverter<ReplayArgument>
    {
        public override ReplayArgument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, ReplayArgument value, JsonSerializerOptions options)
        {
            // The options are the binary-aware ones of the packet writer: byte[] is written as a placeholder and an attachment.
            var bytes = (JsonTypeInfo<byte[]>)options.GetTypeInfo(typeof(byte[]));
            using JsonDocument document = JsonDocument.Parse(value.Json, new JsonDocumentOptions { MaxDepth = 4096 });
            WriteElement(writer, document.RootElement, value.Attachments, bytes);
        }

        private static void WriteElement(Utf8JsonWriter writer, JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments, JsonTypeInfo<byte[]> bytes)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object when TryGetPlaceholder(element, attachments.Count, out int num):
                    JsonSerializer.Serialize(writer, attachments[num].ToArray(), bytes);
                    break;
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        WriteElement(writer, property.Value, attachments, bytes);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        WriteElement(writer, item, attachments, bytes);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }

        private static bool TryGetPlaceholder(JsonElement element, int count, out int num)
        {
            num = -1;
            return element.TryGetProperty("_placeholder"u8, out JsonElement flag) && flag.ValueKind == JsonValueKind.True
                && element.TryGetProperty("num"u8, out JsonElement n) && n.TryGetInt32(out num) && num >= 0 && num < count;
        }
    }
}
