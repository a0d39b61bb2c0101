using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;
using static TypedSocketIO.Redis.Internal.RedisWire;

namespace TypedSocketIO.Redis.Internal;

/// <summary>
/// What every Redis adapter reads from and writes to Redis for one namespace, whatever its channels: messages bounded in size
/// and depth and transcoded from MessagePack, broadcast packets and options, sockets as a fetch answers them, answers to
/// acknowledgements. Everything read is untrusted; a bad value throws <see cref="MsgPackException"/>,
/// <see cref="JsonException"/> or another exception of <see cref="IsBadMessage"/>, for the caller to log and drop.
/// </summary>
internal sealed class RedisAdapterCodec
{
    private readonly SocketIONamespace _ns;
    private readonly ILogger _logger;
    private readonly int _maxDepth;
    private readonly int _maxMessageBytes;

    public RedisAdapterCodec(SocketIONamespace ns, ILogger logger, int maxMessageBytes)
    {
        _ns = ns;
        _logger = logger;
        _maxDepth = ns.Server.Options.MaxJsonDepth;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>The options to parse a message's JSON with (the server's depth, plus the message's own levels).</summary>
    public JsonDocumentOptions DocumentOptions => new() { MaxDepth = _maxDepth + 8 };

    /// <summary>Whether an exception thrown while reading a message means the message is bad (to log and drop).</summary>
    public static bool IsBadMessage(Exception ex) =>
        ex is MsgPackException or JsonException or ArgumentException or InvalidOperationException or FormatException or InvalidCastException or KeyNotFoundException;

    public bool CheckSize(byte[] bytes)
    {
        if (bytes.Length <= _maxMessageBytes)
        {
            return true;
        }

        RedisAdapterLog.BadMessage(_logger, _ns.Name, "-", $"{bytes.Length} bytes is more than MaxMessageBytes ({_maxMessageBytes})");
        return false;
    }

    public (byte[] Json, List<ReadOnlyMemory<byte>> Attachments) ToJson(byte[] bytes)
    {
        var reader = new MsgPackReader(bytes);
        var json = new ArrayBufferWriter<byte>(bytes.Length * 2);
        var attachments = new List<ReadOnlyMemory<byte>>();
        JsonMsgPack.ToJson(ref reader, json, attachments, _maxDepth + 8, int.MaxValue);
        if (!reader.End)
        {
            throw new MsgPackException("bytes after the message");
        }

        return (json.WrittenSpan.ToArray(), attachments);
    }

    /// <summary>
    /// {type, data, nsp} of another server (type 2 EVENT, or 5 BINARY_EVENT), or null when for another namespace (unless the
    /// message around it named the namespace already: <paramref name="namespaceChecked"/>).
    /// </summary>
    public SocketIOBroadcastPacket? ReadPacket(JsonElement packet, List<ReadOnlyMemory<byte>> attachments, bool namespaceChecked = false)
    {
        if (packet.ValueKind != JsonValueKind.Object)
        {
            throw new MsgPackException("the packet is not an object");
        }

        string nsp = packet.TryGetProperty("nsp", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : SocketIOProtocol.DefaultNamespace;
        if (!namespaceChecked && nsp != _ns.Name)
        {
            return null;
        }

        int type = packet.GetProperty("type").GetInt32();
        if (type is not (2 or 5))
        {
            throw new MsgPackException($"packet type {type} cannot be broadcast");
        }

        byte[] data = JsonMarshal.GetRawUtf8Value(packet.GetProperty("data")).ToArray();
        return new SocketIOBroadcastPacket(_ns.Name, data, attachments);
    }

    public static SocketIOBroadcastOptions ReadOptions(JsonElement opts)
    {
        SocketIOBroadcastOptions selection = ReadSelection(opts);
        SocketIOBroadcastFlags flags = SocketIOBroadcastFlags.None;
        if (opts.TryGetProperty("flags", out JsonElement f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("volatile", out JsonElement v) && v.ValueKind == JsonValueKind.True)
        {
            flags |= SocketIOBroadcastFlags.Volatile;
        }

        return new SocketIOBroadcastOptions { Rooms = selection.Rooms, Except = selection.Except, Flags = flags };
    }

    public static SocketIOBroadcastOptions ReadSelection(JsonElement opts)
    {
        if (opts.ValueKind != JsonValueKind.Object)
        {
            throw new MsgPackException("opts is not an object");
        }

        return new SocketIOBroadcastOptions { Rooms = ReadStrings(opts, "rooms"), Except = ReadStrings(opts, "except") };
    }

    public static FrozenSet<string> ReadStrings(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            return FrozenSet<string>.Empty;
        }

        var result = new List<string>(array.GetArrayLength());
        foreach (JsonElement item in array.EnumerateArray())
        {
            // A number names the room of that number, as the Node adapter's rooms may be numbers.
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
        }

        return result.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>A local socket as the official adapter answers a fetch: {id, handshake, rooms, data}.</summary>
    public void WriteSocket(Utf8JsonWriter w, SocketIOSocket socket)
    {
        SocketIOHandshake handshake = socket.Handshake;
        w.WriteStartObject();
        w.WriteString("id", socket.Id);
        w.WriteStartObject("handshake");
        w.WriteStartObject("headers");
        foreach (KeyValuePair<string, StringValues> header in handshake.Headers)
        {
            WriteStringValues(w, header.Key.ToLowerInvariant(), header.Value);
        }

        w.WriteEndObject();
        w.WriteString("time", handshake.IssuedAt.UtcDateTime.ToString("ddd MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", CultureInfo.InvariantCulture));
        w.WriteString("address", handshake.RemoteAddress?.ToString() ?? string.Empty);
        w.WriteBoolean("xdomain", handshake.Headers.ContainsKey("Origin"));
        w.WriteBoolean("secure", handshake.IsSecure);
        w.WriteNumber("issued", handshake.IssuedAt.ToUnixTimeMilliseconds());
        w.WriteString("url", handshake.Url);
        w.WriteStartObject("query");
        foreach (KeyValuePair<string, StringValues> parameter in handshake.Query)
        {
            WriteStringValues(w, parameter.Key, parameter.Value);
        }

        w.WriteEndObject();
        w.WritePropertyName("auth");
        w.WriteRawValue(handshake.AuthJson.Span, skipInputValidation: true);
        w.WriteEndObject();
        WriteStrings(w, "rooms", socket.Rooms);
        if (TryWriteData(socket.Data) is { } data)
        {
            w.WritePropertyName("data");
            w.WriteRawValue(data, skipInputValidation: true);
        }

        w.WriteEndObject();
    }

    private static void WriteStringValues(Utf8JsonWriter w, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            w.WriteString(name, values[0]);
            return;
        }

        w.WriteStartArray(name);
        foreach (string? value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>The socket's data as JSON through the server's serializer options; none when it cannot be serialized.</summary>
    public byte[]? TryWriteData(object? data)
    {
        if (data is null)
        {
            return null;
        }

        if (data is JsonElement element)
        {
            return JsonMarshal.GetRawUtf8Value(element).ToArray();
        }

        try
        {
            using var writer = new SocketIOPacketWriter(_ns.Server.Options.JsonSerializerOptions);
            writer.MaxAttachments = 0;
            writer.StartEvent("d");
            writer.WriteArgument(data);
            ReadOnlyMemory<byte> text = writer.Build(SocketIOProtocol.DefaultNamespace).Text;

            // 2["d",<data>]
            return text[6..^1].ToArray();
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            RedisAdapterLog.DataNotSerializable(_logger, _ns.Name, data.GetType().FullName ?? "?");
            return null;
        }
    }

    public SocketIORemoteSocket ReadRemoteSocket(JsonElement socket)
    {
        string id = socket.GetProperty("id").GetString() ?? throw new MsgPackException("a socket without id");
        var rooms = new List<string>();
        if (socket.TryGetProperty("rooms", out JsonElement r) && r.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement room in r.EnumerateArray())
            {
                rooms.Add(room.ValueKind == JsonValueKind.String ? room.GetString()! : room.GetRawText());
            }
        }

        object? data = socket.TryGetProperty("data", out JsonElement d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
        return new SocketIORemoteSocket(_ns, id, ReadHandshake(socket.TryGetProperty("handshake", out JsonElement h) ? h : default), rooms, data);
    }

    private static SocketIOHandshake ReadHandshake(JsonElement handshake)
    {
        var headers = new HeaderDictionary();
        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        string url = string.Empty;
        IPAddress? address = null;
        DateTimeOffset issued = default;
        bool secure = false;
        ReadOnlyMemory<byte> auth = default;
        if (handshake.ValueKind == JsonValueKind.Object)
        {
            if (handshake.TryGetProperty("headers", out JsonElement h) && h.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty header in h.EnumerateObject())
                {
                    headers[header.Name] = ReadStringValues(header.Value);
                }
            }

            if (handshake.TryGetProperty("query", out JsonElement q) && q.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty parameter in q.EnumerateObject())
                {
                    query[parameter.Name] = ReadStringValues(parameter.Value);
                }
            }

            url = handshake.TryGetProperty("url", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : string.Empty;
            if (handshake.TryGetProperty("address", out JsonElement a) && a.ValueKind == JsonValueKind.String && IPAddress.TryParse(a.GetString(), out IPAddress? ip))
            {
                address = ip;
            }

            if (handshake.TryGetProperty("issued", out JsonElement i) && i.TryGetInt64(out long ms) && ms is >= 0 and < 253402300799999)
            {
                issued = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }

            secure = handshake.TryGetProperty("secure", out JsonElement s) && s.ValueKind == JsonValueKind.True;
            if (handshake.TryGetProperty("auth", out JsonElement au) && au.ValueKind == JsonValueKind.Object)
            {
                auth = JsonMarshal.GetRawUtf8Value(au).ToArray();
            }
        }

        return new SocketIOHandshake(headers, new QueryCollection(query), url, address, issued, secure, auth);
    }

    private static StringValues ReadStringValues(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new StringValues(value.GetString()),
        JsonValueKind.Array => new StringValues([.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())]),
        _ => new StringValues(value.GetRawText()),
    };

    /// <summary>
    /// Hands one response to a broadcast with acknowledgements to the collector waiting for it: a server's client count, or one
    /// client's answer (with the answering socket's id when the server that relays it says it, as ours do).
    /// </summary>
    /// <param name="collector">The collector of the broadcast.</param>
    /// <param name="isClientCount">Whether the message is the client count (else an answer).</param>
    /// <param name="message">The response message (<c>clientCount</c>, or <c>packet</c> and <c>socketId</c>).</param>
    /// <param name="attachments">The answer's binary attachments.</param>
    public void DeliverBroadcastAckResponse(ISocketIOBroadcastAckCollector collector, bool isClientCount, JsonElement message, List<ReadOnlyMemory<byte>> attachments)
    {
        if (isClientCount)
        {
            collector.OnClientCount(message.GetProperty("clientCount").GetInt32());
            return;
        }

        SocketIOArguments answer = ToAckArguments(message.TryGetProperty("packet", out JsonElement p) ? p : default, attachments);
        if (message.TryGetProperty("socketId", out JsonElement sid) && sid.ValueKind == JsonValueKind.String)
        {
            collector.OnAck(sid.GetString()!, answer);
        }
        else
        {
            collector.OnAck(answer);
        }
    }

    /// <summary>The answer another server relayed (its client's first argument) as the arguments of an acknowledgement.</summary>
    public SocketIOArguments ToAckArguments(JsonElement argument, List<ReadOnlyMemory<byte>> attachments)
    {
        string json = argument.ValueKind == JsonValueKind.Undefined ? "[]" : "[" + argument.GetRawText() + "]";
        string header = attachments.Count == 0 ? "30" : "6" + attachments.Count.ToString(CultureInfo.InvariantCulture) + "-0";
        var decoder = new SocketIOPacketDecoder(new SocketIOParserOptions { MaxAttachments = Math.Max(1, attachments.Count), MaxDepth = _maxDepth + 8 });
        SocketIOPacket? packet = decoder.DecodeText(Encoding.UTF8.GetBytes(header + json));
        foreach (ReadOnlyMemory<byte> attachment in attachments)
        {
            packet = decoder.DecodeBinary(attachment.Span);
        }

        return SocketIOArguments.FromAck(packet ?? throw new MsgPackException("the acknowledgement's binary values are missing"));
    }
}

/// <summary>A request to the other servers waiting for their answers (fetch sockets, all rooms, server-side emit with acknowledgements).</summary>
internal sealed class PendingRequest
{
    public PendingRequest(int type, string name, int expected)
    {
        Type = type;
        Name = name;
        Expected = expected;
    }

    public int Type { get; }

    public string Name { get; }

    public int Expected { get; }

    public int Received { get; set; }

    public List<ISocketIORemoteSocket> Sockets { get; } = [];

    public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);

    public List<JsonElement> Answers { get; } = [];

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Relays this server's part of another server's broadcast with acknowledgements (the client count, then each answer) to
/// the server that asked, through the adapter's own messages; stops after the broadcast's timeout.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source is cancelled by its own timer once; the GC reclaims it.")]
internal sealed class RemoteAckForwarder : ISocketIOBroadcastAckCollector
{
    private readonly Action<int> _onClientCount;
    private readonly Action<string?, SocketIOArguments> _onAck;
    private readonly CancellationTokenSource _abandoned;

    /// <param name="timeout">The broadcast's timeout.</param>
    /// <param name="onClientCount">Sends the client count.</param>
    /// <param name="onAck">Sends one answer, with the id of the socket that answered (an extra field the official adapters ignore).</param>
    public RemoteAckForwarder(TimeSpan timeout, Action<int> onClientCount, Action<string?, SocketIOArguments> onAck)
    {
        _onClientCount = onClientCount;
        _onAck = onAck;
        _abandoned = new CancellationTokenSource(timeout);
    }

    public CancellationToken Abandoned => _abandoned.Token;

    public void OnClientCount(int clientCount) => _onClientCount(clientCount);

    public void OnAck(SocketIOArguments response) => _onAck(null, response);

    public void OnAck(SocketIOSocket socket, SocketIOArguments response) => _onAck(socket.Id, response);

    public void OnClientLeft()
    {
        // The asking server cannot be told (the wire has no such message): it waits until its timeout, as with Node.
    }
}
