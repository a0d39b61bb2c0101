using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;
using static TypedSocketIO.Redis.Internal.RedisWire;

namespace TypedSocketIO.Redis;

/// <summary>
/// The adapter of one namespace on Redis pub/sub, speaking the wire format of the official <c>@socket.io/redis-adapter</c>
/// 8.x so that .NET and Node servers form one cluster: broadcasts go to <c>{key}#{nsp}#</c> (or <c>{key}#{nsp}#{room}#</c>
/// for one room) as MessagePack <c>[uid, packet, opts]</c>; requests to <c>{key}-request#{nsp}#</c>, answers to
/// <c>{key}-response#{nsp}#</c>. Local work is the in-memory adapter's. Messages from Redis are untrusted: bounded in size and
/// depth, validated, and a bad one is logged and dropped. Losing Redis never stops local traffic; StackExchange.Redis
/// reconnects and subscribes again.
/// </summary>
public sealed partial class RedisSocketIOAdapter : InMemorySocketIOAdapter
{
    private readonly IConnectionMultiplexer _connection;
    private readonly RedisSocketIOAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly string _channel;
    private readonly string _requestChannel;
    private readonly string _responseChannel;
    private readonly string _specificResponseChannel;
    private readonly RedisRequests _requests = new(idLength: 12);
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly RedisAdapterCodec _codec;
    private int _publishFailureLogged;
    private int _disposed;

    /// <summary>Creates the adapter of a namespace and starts subscribing (<see cref="Subscribed"/>).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="connection">The connection to Redis, of this server only (its subscriptions count this server).</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    public RedisSocketIOAdapter(SocketIONamespace ns, IConnectionMultiplexer connection, RedisSocketIOAdapterOptions options, ILogger logger)
        : base(ns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _connection = connection;
        _options = options;
        _logger = logger;
        _codec = new RedisAdapterCodec(ns, logger, options.MaxMessageBytes);
        _channel = options.Key + "#" + ns.Name + "#";
        _requestChannel = options.Key + "-request#" + ns.Name + "#";
        _responseChannel = options.Key + "-response#" + ns.Name + "#";
        _specificResponseChannel = _responseChannel + ServerId + "#";
        Subscribed = SubscribeAsync();
    }

    /// <summary>Completes once the adapter is subscribed to its channels (it retries while Redis is unreachable).</summary>
    public Task Subscribed { get; }

    /// <inheritdoc/>
    public override void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            string channel = _channel;
            if (options.Rooms.Count == 1)
            {
                foreach (string room in options.Rooms)
                {
                    channel += room + "#";
                }
            }

            var writer = new MsgPackWriter(packet.Data.Length + 64);
            writer.WriteArrayHeader(3);
            writer.WriteString(ServerId);
            WritePacket(writer, packet);
            WriteOptions(writer, options, timeout: null);
            Publish(channel, writer.ToArray());
        }

        base.Broadcast(packet, options);
    }

    /// <inheritdoc/>
    public override void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, ISocketIOBroadcastAckCollector collector)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            string requestId = _requests.AddAckRequest(collector);

            var writer = new MsgPackWriter(packet.Data.Length + 128);
            writer.WriteMapHeader(5);
            writer.WriteString("uid"u8);
            writer.WriteString(ServerId);
            writer.WriteString("requestId"u8);
            writer.WriteString(requestId);
            writer.WriteString("type"u8);
            writer.WriteInteger(TypeBroadcast);
            writer.WriteString("packet"u8);
            WritePacket(writer, packet);
            writer.WriteString("opts"u8);
            WriteOptions(writer, options, options.Timeout);
            Publish(_requestChannel, writer.ToArray());
        }

        base.BroadcastWithAck(packet, options, collector);
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyList<ISocketIORemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<ISocketIORemoteSocket> local = await base.FetchSocketsAsync(options, cancellationToken).ConfigureAwait(false);
        if ((options.Flags & SocketIOBroadcastFlags.Local) != 0)
        {
            return local;
        }

        int servers = await ServerCountAsync(cancellationToken).ConfigureAwait(false);
        if (servers <= 1)
        {
            return local;
        }

        string requestId = _requests.NewRequestId();
        var pending = new PendingRequest(TypeRemoteFetch, "fetchSockets", servers - 1);
        pending.Sockets.AddRange(local);
        string request = Json(w =>
        {
            w.WriteString("uid", ServerId);
            w.WriteString("requestId", requestId);
            w.WriteNumber("type", TypeRemoteFetch);
            w.WritePropertyName("opts");
            WriteSelection(w, options);
        });
        await SendRequestAsync(requestId, pending, request, cancellationToken).ConfigureAwait(false);
        lock (pending)
        {
            return [.. pending.Sockets];
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<IReadOnlyCollection<string>> AllRoomsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyCollection<string> local = GetRooms();
        int servers = await ServerCountAsync(cancellationToken).ConfigureAwait(false);
        if (servers <= 1)
        {
            return local;
        }

        string requestId = _requests.NewRequestId();
        var pending = new PendingRequest(TypeAllRooms, "allRooms", servers - 1);
        pending.Rooms.UnionWith(local);
        string request = Json(w =>
        {
            w.WriteString("uid", ServerId);
            w.WriteString("requestId", requestId);
            w.WriteNumber("type", TypeAllRooms);
        });
        await SendRequestAsync(requestId, pending, request, cancellationToken).ConfigureAwait(false);
        lock (pending)
        {
            return [.. pending.Rooms];
        }
    }

    /// <inheritdoc/>
    public override async ValueTask AddSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rooms);
        await base.AddSocketsAsync(options, rooms, cancellationToken).ConfigureAwait(false);
        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            await PublishSelectionRequestAsync(TypeRemoteJoin, options, w => WriteStrings(w, "rooms", rooms)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DeleteSocketsAsync(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rooms);
        await base.DeleteSocketsAsync(options, rooms, cancellationToken).ConfigureAwait(false);
        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            await PublishSelectionRequestAsync(TypeRemoteLeave, options, w => WriteStrings(w, "rooms", rooms)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisconnectSocketsAsync(SocketIOBroadcastOptions options, bool close, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await base.DisconnectSocketsAsync(options, close, cancellationToken).ConfigureAwait(false);
        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            await PublishSelectionRequestAsync(TypeRemoteDisconnect, options, w => w.WriteBoolean("close", close)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The subscribers of the request channel (<c>PUBSUB NUMSUB</c>), as the official adapter counts them; at least 1 (this
    /// server, while its own subscription is still on its way).
    /// </remarks>
    public override async ValueTask<int> ServerCountAsync(CancellationToken cancellationToken)
    {
        RedisResult result = await _connection.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _requestChannel).WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])result!;
        return Math.Max(1, items.Length >= 2 ? (int)items[1] : 0);
    }

    /// <inheritdoc/>
    public override async ValueTask ServerSideEmitAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        string request = Json(w =>
        {
            w.WriteString("uid", ServerId);
            w.WriteNumber("type", TypeServerSideEmit);
            w.WritePropertyName("data");
            w.WriteRawValue(data.Span, skipInputValidation: true);
        });
        await _connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_requestChannel), request).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<IReadOnlyList<JsonElement>> ServerSideEmitWithAckAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        int others = await ServerCountAsync(cancellationToken).ConfigureAwait(false) - 1;
        if (others <= 0)
        {
            return [];
        }

        string requestId = _requests.NewRequestId();
        var pending = new PendingRequest(TypeServerSideEmit, "serverSideEmit", others);
        string request = Json(w =>
        {
            w.WriteString("uid", ServerId);
            w.WriteString("requestId", requestId);
            w.WriteNumber("type", TypeServerSideEmit);
            w.WritePropertyName("data");
            w.WriteRawValue(data.Span, skipInputValidation: true);
        });
        await SendRequestAsync(requestId, pending, request, cancellationToken).ConfigureAwait(false);
        lock (pending)
        {
            return [.. pending.Answers];
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            lock (_queues)
            {
                foreach (ChannelMessageQueue queue in _queues)
                {
                    try
                    {
                        queue.Unsubscribe(CommandFlags.FireAndForget);
                    }
                    catch (RedisException)
                    {
                        // Redis is gone; the subscription goes with the connection.
                    }
                }

                _queues.Clear();
            }

            _requests.FailAll(nameof(RedisSocketIOAdapter));
        }

        base.Dispose(disposing);
    }

    private async Task SubscribeAsync()
    {
        (RedisChannel Channel, bool IsBroadcast)[] channels =
        [
            (RedisChannel.Pattern(_channel + "*"), true),
            (RedisChannel.Literal(_requestChannel), false),
            (RedisChannel.Literal(_responseChannel), false),
            (RedisChannel.Literal(_specificResponseChannel), false),
        ];
        foreach ((RedisChannel channel, bool isBroadcast) in channels)
        {
            // One queue per channel, read in order: broadcasts from one server arrive in the order they were sent.
            ChannelMessageQueue? queue = await RedisSubscriptions.SubscribeWithRetryAsync(
                _connection,
                channel,
                () => Volatile.Read(ref _disposed) == 0,
                isBroadcast ? OnBroadcastMessage : OnRequestOrResponse,
                _logger,
                Nsp.Name).ConfigureAwait(false);
            if (queue is not null)
            {
                lock (_queues)
                {
                    _queues.Add(queue);
                }
            }
        }
    }

    private void OnBroadcastMessage(ChannelMessage message)
    {
        try
        {
            byte[]? bytes = (byte[]?)message.Message;
            string channel = message.Channel.ToString();
            if (bytes is null || !channel.StartsWith(_channel, StringComparison.Ordinal) || channel.Length < _channel.Length)
            {
                return;
            }

            // {key}#{nsp}#{room}#: a room this server has no socket in is not decoded at all.
            if (channel.Length > _channel.Length)
            {
                string room = channel[_channel.Length..^1];
                if (room.Length != 0 && !HasLocalRoom(room))
                {
                    return;
                }
            }

            if (!_codec.CheckSize(bytes))
            {
                return;
            }

            var (json, attachments) = _codec.ToJson(bytes);
            using JsonDocument document = JsonDocument.Parse(json, _codec.DocumentOptions);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() < 3)
            {
                throw new MsgPackException("a broadcast is [uid, packet, opts]");
            }

            JsonElement uid = root[0];
            if (uid.ValueKind == JsonValueKind.String && uid.ValueEquals(ServerId))
            {
                return;
            }

            SocketIOBroadcastPacket? packet = _codec.ReadPacket(root[1], attachments);
            if (packet is null)
            {
                return;
            }

            SocketIOBroadcastOptions options = RedisAdapterCodec.ReadOptions(root[2]);
            base.Broadcast(packet, options);
        }
        catch (Exception ex) when (RedisAdapterCodec.IsBadMessage(ex))
        {
            RedisAdapterLog.BadMessage(_logger, Nsp.Name, message.Channel.ToString(), ex.Message);
        }
    }

    private void OnRequestOrResponse(ChannelMessage message)
    {
        string channel = message.Channel.ToString();
        try
        {
            byte[]? bytes = (byte[]?)message.Message;
            if (bytes is null || bytes.Length == 0 || !_codec.CheckSize(bytes))
            {
                return;
            }

            // As the official adapter: JSON when it starts with '{', MessagePack otherwise.
            string json;
            List<ReadOnlyMemory<byte>> attachments;
            if (bytes[0] == (byte)'{')
            {
                json = Encoding.UTF8.GetString(bytes);
                attachments = [];
            }
            else
            {
                (byte[] converted, attachments) = _codec.ToJson(bytes);
                json = Encoding.UTF8.GetString(converted);
            }

            using JsonDocument document = JsonDocument.Parse(json, _codec.DocumentOptions);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MsgPackException("a request or response is an object");
            }

            if (channel.StartsWith(_responseChannel, StringComparison.Ordinal))
            {
                OnResponse(root, attachments);
            }
            else if (channel == _requestChannel)
            {
                OnRequest(root, attachments);
            }
        }
        catch (Exception ex) when (RedisAdapterCodec.IsBadMessage(ex))
        {
            RedisAdapterLog.BadMessage(_logger, Nsp.Name, channel, ex.Message);
        }
    }

    private void OnRequest(JsonElement request, List<ReadOnlyMemory<byte>> attachments)
    {
        int type = request.GetProperty("type").GetInt32();
        string? uid = request.TryGetProperty("uid", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        string? requestId = request.TryGetProperty("requestId", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        bool fromSelf = uid == ServerId;
        switch (type)
        {
            case TypeSockets when !fromSelf && requestId is not null:
            {
                SocketIOBroadcastOptions selection = new() { Rooms = RedisAdapterCodec.ReadStrings(request, "rooms") };
                List<SocketIOSocket> sockets = Select(selection);
                PublishResponse(uid, Json(w =>
                {
                    w.WriteString("requestId", requestId);
                    w.WriteStartArray("sockets");
                    foreach (SocketIOSocket socket in sockets)
                    {
                        w.WriteStringValue(socket.Id);
                    }

                    w.WriteEndArray();
                }));
                break;
            }

            case TypeAllRooms when !fromSelf && requestId is not null:
            {
                IReadOnlyCollection<string> rooms = GetRooms();
                PublishResponse(uid, Json(w =>
                {
                    w.WriteString("requestId", requestId);
                    w.WriteStartArray("rooms");
                    foreach (string room in rooms)
                    {
                        w.WriteStringValue(room);
                    }

                    w.WriteEndArray();
                }));
                break;
            }

            case TypeRemoteJoin or TypeRemoteLeave or TypeRemoteDisconnect when !fromSelf:
                OnRemoteSelectionRequest(type, request, uid, requestId);
                break;

            case TypeRemoteFetch when !fromSelf && requestId is not null:
            {
                List<SocketIOSocket> sockets = Select(RedisAdapterCodec.ReadSelection(request.GetProperty("opts")));
                PublishResponse(uid, Json(w =>
                {
                    w.WriteString("requestId", requestId);
                    w.WriteStartArray("sockets");
                    foreach (SocketIOSocket socket in sockets)
                    {
                        _codec.WriteSocket(w, socket);
                    }

                    w.WriteEndArray();
                }));
                break;
            }

            case TypeServerSideEmit when !fromSelf:
            {
                JsonElement data = request.GetProperty("data");
                byte[] raw = JsonMarshal.GetRawUtf8Value(data).ToArray();
                if (requestId is null)
                {
                    DispatchServerSideEvent(raw, null);
                    break;
                }

                // The answer goes to the shared response channel, as the official adapter sends it.
                DispatchServerSideEvent(raw, answer => Publish(_responseChannel, Encoding.UTF8.GetBytes(Json(w =>
                {
                    w.WriteNumber("type", TypeServerSideEmit);
                    w.WriteString("requestId", requestId);
                    w.WritePropertyName("data");
                    w.WriteRawValue(answer.Span, skipInputValidation: true);
                }))));
                break;
            }

            case TypeBroadcast when !fromSelf && requestId is not null && !_requests.IsAckRequest(requestId):
            {
                SocketIOBroadcastPacket? packet = _codec.ReadPacket(request.GetProperty("packet"), attachments);
                if (packet is null)
                {
                    return;
                }

                JsonElement opts = request.GetProperty("opts");
                SocketIOBroadcastOptions selection = RedisAdapterCodec.ReadSelection(opts);
                TimeSpan timeout = _options.RequestsTimeout;
                if (opts.TryGetProperty("flags", out JsonElement flags) && flags.ValueKind == JsonValueKind.Object
                    && flags.TryGetProperty("timeout", out JsonElement t) && t.TryGetDouble(out double ms) && ms > 0 && ms < int.MaxValue)
                {
                    timeout = TimeSpan.FromMilliseconds(ms);
                }

                selection = new SocketIOBroadcastOptions { Rooms = selection.Rooms, Except = selection.Except, Flags = selection.Flags, Timeout = timeout };
                base.BroadcastWithAck(packet, selection, new RemoteAckForwarder(
                    timeout,
                    clientCount => PublishResponse(uid, Json(w =>
                    {
                        w.WriteNumber("type", TypeBroadcastClientCount);
                        w.WriteString("requestId", requestId);
                        w.WriteNumber("clientCount", clientCount);
                    })),
                    (socketId, response) => Publish(
                        _options.PublishOnSpecificResponseChannel && uid is not null ? _responseChannel + uid + "#" : _responseChannel,
                        EncodeAck(requestId, socketId, response))));
                break;
            }

            default:
                break;
        }
    }

    private void OnRemoteSelectionRequest(int type, JsonElement request, string? uid, string? requestId)
    {
        if (request.TryGetProperty("opts", out JsonElement opts) && opts.ValueKind == JsonValueKind.Object)
        {
            SocketIOBroadcastOptions selection = RedisAdapterCodec.ReadSelection(opts);
            ValueTask done = type switch
            {
                TypeRemoteJoin => base.AddSocketsAsync(selection, RedisAdapterCodec.ReadStrings(request, "rooms"), CancellationToken.None),
                TypeRemoteLeave => base.DeleteSocketsAsync(selection, RedisAdapterCodec.ReadStrings(request, "rooms"), CancellationToken.None),
                _ => base.DisconnectSocketsAsync(selection, request.TryGetProperty("close", out JsonElement c) && c.ValueKind == JsonValueKind.True, CancellationToken.None),
            };
            _ = done;
            return;
        }

        // The older form, one socket by id, answered once done.
        if (!request.TryGetProperty("sid", out JsonElement sid) || sid.ValueKind != JsonValueKind.String || requestId is null
            || !Nsp.Sockets.TryGetValue(sid.GetString()!, out SocketIOSocket? socket))
        {
            return;
        }

        switch (type)
        {
            case TypeRemoteJoin:
                socket.Join(request.GetProperty("room").GetString()!);
                break;
            case TypeRemoteLeave:
                socket.Leave(request.GetProperty("room").GetString()!);
                break;
            default:
                socket.Disconnect(request.TryGetProperty("close", out JsonElement close) && close.ValueKind == JsonValueKind.True);
                break;
        }

        PublishResponse(uid, Json(w => w.WriteString("requestId", requestId)));
    }

    private void OnResponse(JsonElement response, List<ReadOnlyMemory<byte>> attachments)
    {
        if (!response.TryGetProperty("requestId", out JsonElement r) || r.ValueKind != JsonValueKind.String)
        {
            return;
        }

        string requestId = r.GetString()!;
        if (_requests.TryGetAckRequest(requestId, out ISocketIOBroadcastAckCollector? collector))
        {
            int type = response.TryGetProperty("type", out JsonElement t) && t.TryGetInt32(out int value) ? value : -1;
            if (type is TypeBroadcastClientCount or TypeBroadcastAck)
            {
                _codec.DeliverBroadcastAckResponse(collector!, type == TypeBroadcastClientCount, response, attachments);
            }

            return;
        }

        if (!_requests.TryGetRequest(requestId, out PendingRequest? pending))
        {
            return;
        }

        lock (pending!)
        {
            switch (pending.Type)
            {
                case TypeRemoteFetch:
                    if (!response.TryGetProperty("sockets", out JsonElement sockets) || sockets.ValueKind != JsonValueKind.Array)
                    {
                        return;
                    }

                    foreach (JsonElement socket in sockets.EnumerateArray())
                    {
                        pending.Sockets.Add(_codec.ReadRemoteSocket(socket));
                    }

                    break;
                case TypeAllRooms:
                    if (!response.TryGetProperty("rooms", out JsonElement rooms) || rooms.ValueKind != JsonValueKind.Array)
                    {
                        return;
                    }

                    foreach (JsonElement room in rooms.EnumerateArray())
                    {
                        if (room.ValueKind == JsonValueKind.String)
                        {
                            pending.Rooms.Add(room.GetString()!);
                        }
                    }

                    break;
                case TypeServerSideEmit:
                    pending.Answers.Add(response.TryGetProperty("data", out JsonElement data) ? data.Clone() : default);
                    break;
                default:
                    return;
            }
        }

        _requests.Answered(requestId, pending);
    }

    private Task SendRequestAsync(string requestId, PendingRequest pending, string request, CancellationToken cancellationToken) =>
        _requests.SendAsync(
            requestId, pending, () => _connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_requestChannel), request), _options.RequestsTimeout, cancellationToken);

    private async ValueTask PublishSelectionRequestAsync(int type, SocketIOBroadcastOptions options, Action<Utf8JsonWriter> writeRest)
    {
        string request = Json(w =>
        {
            w.WriteString("uid", ServerId);
            w.WriteNumber("type", type);
            w.WritePropertyName("opts");
            WriteSelection(w, options);
            writeRest(w);
        });
        await _connection.GetSubscriber().PublishAsync(RedisChannel.Literal(_requestChannel), request).ConfigureAwait(false);
    }

    private void PublishResponse(string? uid, string response)
    {
        string channel = _options.PublishOnSpecificResponseChannel && uid is not null ? _responseChannel + uid + "#" : _responseChannel;
        Publish(channel, Encoding.UTF8.GetBytes(response));
    }

    /// <summary>Publishes without waiting; while Redis is unreachable the message is dropped (logged once per outage).</summary>
    private void Publish(string channel, byte[] message)
    {
        if (!_connection.IsConnected)
        {
            if (Interlocked.Exchange(ref _publishFailureLogged, 1) == 0)
            {
                RedisAdapterLog.PublishDropped(_logger, Nsp.Name, channel);
            }

            return;
        }

        Volatile.Write(ref _publishFailureLogged, 0);
        try
        {
            _connection.GetSubscriber().Publish(RedisChannel.Literal(channel), message, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            RedisAdapterLog.PublishFailed(_logger, Nsp.Name, channel, ex);
        }
    }

    /// <summary>
    /// The first argument of a local client's answer, as MessagePack (binary as bin), for the server that asked; with the id of the
    /// socket that answered (a field the official adapter ignores, which our servers turn into per-socket broadcast results).
    /// </summary>
    private static byte[] EncodeAck(string requestId, string? socketId, SocketIOArguments response)
    {
        var writer = new MsgPackWriter();
        writer.WriteMapHeader(socketId is null ? 3 : 4);
        writer.WriteString("type"u8);
        writer.WriteInteger(TypeBroadcastAck);
        writer.WriteString("requestId"u8);
        writer.WriteString(requestId);
        if (socketId is not null)
        {
            writer.WriteString("socketId"u8);
            writer.WriteString(socketId);
        }

        writer.WriteString("packet"u8);
        if (response.Count == 0)
        {
            writer.WriteNil();
        }
        else
        {
            using JsonDocument argument = JsonDocument.Parse(response.GetRawJson(0), new JsonDocumentOptions { MaxDepth = 4096 });
            JsonMsgPack.Write(writer, argument.RootElement, response.Attachments);
        }

        return writer.ToArray();
    }

}
