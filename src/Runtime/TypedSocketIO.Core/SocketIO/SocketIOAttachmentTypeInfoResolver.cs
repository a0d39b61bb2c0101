using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Contract metadata for <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> bound to the attachment converters, put
/// first in the resolver chain of binary-aware options so those types work even when the user's
/// <c>JsonSerializerContext</c> does not list them. No reflection.
/// </summary>
internal sealed class SocketIOAttachmentTypeInfoResolver : IJsonTypeInfoResolver
{
    public static readonly SocketIOAttachmentTypeInfoResolver Instance = new();

    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
    {
        if (type == typeof(byte[]))
        {
            return JsonMetadataServices.CreateValueInfo<byte[]>(options, SocketIOByteArrayConverter.Instance);
        }

        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return JsonMetadataServices.CreateValueInfo<ReadOnlyMemory<byte>>(options, SocketIOReadOnlyMemoryConverter.Instance);
        }

        return null;
    }
}
