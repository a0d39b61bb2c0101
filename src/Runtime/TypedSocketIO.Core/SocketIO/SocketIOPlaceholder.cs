using System.Text.Json;

namespace TypedSocketIO.SocketIO;

/// <summary>Reads and writes <c>{"_placeholder":true,"num":n}</c>, the stand-in for a binary attachment.</summary>
internal static class SocketIOPlaceholder
{
    public static ReadOnlySpan<byte> PlaceholderProperty => "_placeholder"u8;

    public static ReadOnlySpan<byte> NumProperty => "num"u8;

    public static void Write(Utf8JsonWriter writer, int num)
    {
        // Same property order as socket.io-parser's deconstructPacket, so the bytes match.
        writer.WriteStartObject();
        writer.WriteBoolean(PlaceholderProperty, true);
        writer.WriteNumber(NumProperty, num);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes <paramref name="data"/> as a placeholder when a <see cref="SocketIOPacketWriter"/> is collecting
    /// attachments on this thread, else as a base64 string (System.Text.Json's usual form).
    /// </summary>
    public static void WriteBinary(Utf8JsonWriter writer, ReadOnlyMemory<byte> data)
    {
        SocketIOPacketWriter? packetWriter = SocketIOAttachmentScope.Writer;
        if (packetWriter is null)
        {
            writer.WriteBase64StringValue(data.Span);
            return;
        }

        Write(writer, packetWriter.AddAttachment(data));
    }

    /// <summary>
    /// Reads the placeholder object the reader is positioned on (its <c>StartObject</c>) and returns the attachment it
    /// names. As socket.io-parser, an object is a placeholder when its last <c>_placeholder</c> is <c>true</c>; other
    /// members are ignored. Throws <see cref="JsonException"/> when it is not one or names no attachment.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadAttachment(ref Utf8JsonReader reader)
    {
        int depth = reader.CurrentDepth;
        bool isPlaceholder = false;
        bool numValid = false;
        int num = -1;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            bool isPlaceholderName = reader.ValueTextEquals(PlaceholderProperty);
            bool isNumName = !isPlaceholderName && reader.ValueTextEquals(NumProperty);
            reader.Read();
            if (isPlaceholderName)
            {
                isPlaceholder = reader.TokenType == JsonTokenType.True;
            }
            else if (isNumName)
            {
                numValid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out num);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        if (!isPlaceholder)
        {
            throw new JsonException("Expected a binary attachment placeholder {\"_placeholder\":true,\"num\":n} or a base64 string.");
        }

        IReadOnlyList<ReadOnlyMemory<byte>>? attachments = SocketIOAttachmentScope.Attachments;
        if (!numValid || attachments is null || (uint)num >= (uint)attachments.Count)
        {
            throw new JsonException("The binary attachment placeholder names no attachment of this packet.");
        }

        return attachments[num];
    }
}
