using System.Buffers;
using System.Text;
using System.Text.Json;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis.Internal;

/// <summary>
/// The pieces of the <c>@socket.io/redis-adapter</c> wire format that the adapter and the emitter both write: the packet
/// object and the broadcast options in MessagePack, the selection and the JSON requests.
/// </summary>
internal static class RedisWire
{
    /// <summary>The uid the official emitter sends (a server never has it).</summary>
    public const string EmitterUid = "emitter";

    // The request and response types of the request channel.
    public const int TypeSockets = 0;
    public const int TypeAllRooms = 1;
    public const int TypeRemoteJoin = 2;
    public const int TypeRemoteLeave = 3;
    public const int TypeRemoteDisconnect = 4;
    public const int TypeRemoteFetch = 5;
    public const int TypeServerSideEmit = 6;
    public const int TypeBroadcast = 7;
    public const int TypeBroadcastClientCount = 8;
    public const int TypeBroadcastAck = 9;

    /// <summary>The packet object <c>{type: 2, data, nsp}</c>; binary values (placeholders) as bin.</summary>
    public static void WritePacket(MsgPackWriter writer, SocketIOBroadcastPacket packet)
    {
        writer.WriteMapHeader(3);
        writer.WriteString("type"u8);
        writer.WriteInteger(2);
        writer.WriteString("data"u8);
        using (JsonDocument data = JsonDocument.Parse(packet.Data, new JsonDocumentOptions { MaxDepth = 4096 }))
        {
            JsonMsgPack.Write(writer, data.RootElement, packet.Attachments);
        }

        writer.WriteString("nsp"u8);
        writer.WriteString(packet.Namespace);
    }

    /// <summary>The options of a server's broadcast, <c>{rooms, except, flags}</c>.</summary>
    public static void WriteOptions(MsgPackWriter writer, SocketIOBroadcastOptions options, TimeSpan? timeout) =>
        WriteOptions(writer, options.Rooms, options.Except, (options.Flags & SocketIOBroadcastFlags.Volatile) != 0, timeout, flagsBeforeExcept: false);

    /// <summary>
    /// The options of a broadcast: <c>{rooms, except, flags}</c> as the adapter writes them, <c>{rooms, flags, except}</c> as
    /// the emitter does (<paramref name="flagsBeforeExcept"/>); <c>flags</c> holds <c>volatile</c> and <c>timeout</c> when set.
    /// </summary>
    public static void WriteOptions(
        MsgPackWriter writer, IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except, bool isVolatile, TimeSpan? timeout, bool flagsBeforeExcept)
    {
        writer.WriteMapHeader(3);
        writer.WriteString("rooms"u8);
        WriteStrings(writer, rooms);
        if (!flagsBeforeExcept)
        {
            writer.WriteString("except"u8);
            WriteStrings(writer, except);
        }

        writer.WriteString("flags"u8);
        writer.WriteMapHeader((isVolatile ? 1 : 0) + (timeout is null ? 0 : 1));
        if (isVolatile)
        {
            writer.WriteString("volatile"u8);
            writer.WriteBoolean(true);
        }

        if (timeout is { } t)
        {
            writer.WriteString("timeout"u8);
            writer.WriteNumber(Math.Round(t.TotalMilliseconds));
        }

        if (flagsBeforeExcept)
        {
            writer.WriteString("except"u8);
            WriteStrings(writer, except);
        }
    }

    /// <summary>The selection of a request, <c>{"rooms":[…],"except":[…]}</c>.</summary>
    public static void WriteSelection(Utf8JsonWriter w, SocketIOBroadcastOptions options) => WriteSelection(w, options.Rooms, options.Except);

    /// <summary>The selection of a request, <c>{"rooms":[…],"except":[…]}</c>.</summary>
    public static void WriteSelection(Utf8JsonWriter w, IEnumerable<string> rooms, IEnumerable<string> except)
    {
        w.WriteStartObject();
        WriteStrings(w, "rooms", rooms);
        WriteStrings(w, "except", except);
        w.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>A JSON object, non-ASCII text unescaped as <c>JSON.stringify</c> leaves it.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStrings(MsgPackWriter writer, IReadOnlyCollection<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        foreach (string value in values)
        {
            writer.WriteString(value);
        }
    }
}
