using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Samples.ClientSuiteServer;

/// <summary>
/// Writes received arguments back unchanged, binary attachments included wherever they are nested:
/// each placeholder <c>{"_placeholder":true,"num":n}</c> becomes the n-th attachment again (renumbered
/// in the order the writer meets them, as the official encoder does).
/// </summary>
public static class ArgumentEcho
{
    /// <summary>A <see cref="TypedSocketIO.Server.SocketIOArgumentsWriter{TState}"/> that echoes every argument.</summary>
    public static void WriteAll(SocketIOPacketWriter writer, SocketIOArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(arguments);
        for (var i = 0; i < arguments.Count; i++)
        {
            WriteOne(writer, arguments, i);
        }
    }

    /// <summary>Echoes the argument at <paramref name="index"/>.</summary>
    public static void WriteOne(SocketIOPacketWriter writer, SocketIOArguments arguments, int index)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.IsBinary(index))
        {
            writer.WriteBinary(arguments.GetBinary(index));
        }
        else if (arguments.Attachments.Count == 0)
        {
            writer.WriteRawJson(arguments.GetRawJson(index).Span);
        }
        else
        {
            writer.WriteArgument(ToNode(arguments.GetElement(index), arguments.Attachments));
        }
    }

    private static JsonNode? ToNode(JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (TryGetPlaceholder(element, attachments.Count, out var num))
                {
                    return JsonValue.Create(attachments[num].ToArray(), EchoJsonContext.Default.ByteArray);
                }
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = ToNode(property.Value, attachments);
                }
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(ToNode(item, attachments));
                }
                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }

    private static bool TryGetPlaceholder(JsonElement element, int count, out int num)
    {
        num = -1;
        return element.TryGetProperty("_placeholder", out var flag) && flag.ValueKind == JsonValueKind.True
            && element.TryGetProperty("num", out var n) && n.TryGetInt32(out num) && num >= 0 && num < count;
    }
}

/// <summary>Metadata for the echo's byte arrays.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(byte[]))]
public sealed partial class EchoJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
