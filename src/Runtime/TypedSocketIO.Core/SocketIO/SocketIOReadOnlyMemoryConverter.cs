using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// <see cref="ReadOnlyMemory{T}"/> of bytes as a Socket.IO binary attachment; see <see cref="SocketIOByteArrayConverter"/>.
/// Reading a placeholder returns the packet's attachment itself, without a copy.
/// </summary>
internal sealed class SocketIOReadOnlyMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
{
    public static readonly SocketIOReadOnlyMemoryConverter Instance = new();

    public override bool HandleNull => true;

    public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => default,
            JsonTokenType.String => reader.GetBytesFromBase64(),
            JsonTokenType.StartObject => SocketIOPlaceholder.ReadAttachment(ref reader),
            _ => throw new JsonException("Expected a binary attachment placeholder or a base64 string."),
        };

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
        SocketIOPlaceholder.WriteBinary(writer, value);
}
