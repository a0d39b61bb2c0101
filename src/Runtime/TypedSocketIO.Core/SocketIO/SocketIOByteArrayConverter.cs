using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// <c>byte[]</c> as a Socket.IO binary attachment: written as a placeholder (the bytes travel in their own frame)
/// inside <see cref="SocketIOPacketWriter.WriteArgument{T}(T, System.Text.Json.Serialization.Metadata.JsonTypeInfo{T})"/>,
/// read from a placeholder inside <see cref="SocketIOArguments.GetValue{T}"/>; base64 strings elsewhere.
/// </summary>
internal sealed class SocketIOByteArrayConverter : JsonConverter<byte[]>
{
    public static readonly SocketIOByteArrayConverter Instance = new();

    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetBytesFromBase64(),

            // A copy: the caller may mutate its array, the packet's attachment stays as received.
            JsonTokenType.StartObject => SocketIOPlaceholder.ReadAttachment(ref reader).ToArray(),
            _ => throw new JsonException("Expected a binary attachment placeholder or a base64 string."),
        };

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        SocketIOPlaceholder.WriteBinary(writer, value);
}
