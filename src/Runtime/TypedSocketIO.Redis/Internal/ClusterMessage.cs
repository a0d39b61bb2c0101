using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Redis.Internal;

/// <summary>
/// One message of the cluster protocol of the official <c>socket.io-adapter</c> 2.5 <c>ClusterAdapter</c>, which the sharded
/// pub/sub adapter of <c>@socket.io/redis-adapter</c> and <c>@socket.io/redis-streams-adapter</c> carry:
/// <c>{type, data, uid, nsp}</c>, <see cref="Data"/> the UTF-8 JSON of the <c>data</c> object with binary values as
/// placeholders numbered into <see cref="Attachments"/>.
/// </summary>
internal sealed class ClusterMessage
{
    // The message types of socket.io-adapter's ClusterAdapter.
    public const int TypeInitialHeartbeat = 1;
    public const int TypeHeartbeat = 2;
    public const int TypeBroadcast = 3;
    public const int TypeSocketsJoin = 4;
    public const int TypeSocketsLeave = 5;
    public const int TypeDisconnectSockets = 6;
    public const int TypeFetchSockets = 7;
    public const int TypeFetchSocketsResponse = 8;
    public const int TypeServerSideEmit = 9;
    public const int TypeServerSideEmitResponse = 10;
    public const int TypeBroadcastClientCount = 11;
    public const int TypeBroadcastAck = 12;
    public const int TypeAdapterClose = 13;

    public ClusterMessage(int type, string uid, string nsp, byte[]? data, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null, string? requestId = null, string? room = null)
    {
        Type = type;
        Uid = uid;
        Nsp = nsp;
        Data = data;
        Attachments = attachments ?? [];
        RequestId = requestId;
        Room = room;
    }

    public int Type { get; }

    public string Uid { get; }

    public string Nsp { get; }

    /// <summary>The UTF-8 JSON of the <c>data</c> object, or <see langword="null"/> for a message without data (heartbeats).</summary>
    public byte[]? Data { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>The request id of a request (its answers are awaited).</summary>
    public string? RequestId { get; }

    /// <summary>The one room of a broadcast to one room.</summary>
    public string? Room { get; }

    /// <summary>Whether the official adapters send it as MessagePack (binary in the data); otherwise as JSON.</summary>
    public bool HasBinary => Attachments.Count != 0;

    /// <summary>
    /// Messages the Streams adapter sends with pub/sub rather than into the stream: the requests that wait for answers
    /// (broadcasts with acknowledgements, server-side emits, fetches).
    /// </summary>
    public bool IsEphemeral => (Type == TypeBroadcast && RequestId is not null) || Type is TypeServerSideEmit or TypeFetchSockets;

    /// <summary>The whole message as JSON, keys in the order <c>JSON.stringify</c> writes them for the official adapter.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>((Data?.Length ?? 0) + 96);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("type", Type);
            if (Data is not null)
            {
                w.WritePropertyName("data");
                w.WriteRawValue(Data, skipInputValidation: true);
            }

            w.WriteString("uid", Uid);
            w.WriteString("nsp", Nsp);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The whole message as MessagePack, binary values as bin.</summary>
    public byte[] ToMsgPack()
    {
        var writer = new MsgPackWriter((Data?.Length ?? 0) + 96);
        writer.WriteMapHeader(Data is null ? 3 : 4);
        writer.WriteString("type"u8);
        writer.WriteInteger(Type);
        if (Data is not null)
        {
            writer.WriteString("data"u8);
            WriteData(writer);
        }

        writer.WriteString("uid"u8);
        writer.WriteString(Uid);
        writer.WriteString("nsp"u8);
        writer.WriteString(Nsp);
        return writer.ToArray();
    }

    /// <summary>The data object alone as MessagePack, binary values as bin.</summary>
    public byte[] DataToMsgPack()
    {
        var writer = new MsgPackWriter((Data?.Length ?? 0) + 32);
        WriteData(writer);
        return writer.ToArray();
    }

    /// <summary>The data object alone as JSON text.</summary>
    public string DataToJson() => Data is null ? string.Empty : Encoding.UTF8.GetString(Data);

    private void WriteData(MsgPackWriter writer)
    {
        if (Data is null)
        {
            writer.WriteNil();
            return;
        }

        using JsonDocument data = JsonDocument.Parse(Data, new JsonDocumentOptions { MaxDepth = 4096 });
        JsonMsgPack.Write(writer, data.RootElement, Attachments);
    }
}
