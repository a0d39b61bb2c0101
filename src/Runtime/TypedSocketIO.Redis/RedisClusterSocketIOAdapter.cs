using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;
using static TypedSocketIO.Redis.Internal.ClusterMessage;

namespace TypedSocketIO.Redis;

/// <summary>
/// The cluster protocol of the official <c>socket.io-adapter</c> 2.5 <c>ClusterAdapter</c> on Redis, spoken by
/// <see cref="RedisShardedSocketIOAdapter"/> (<c>createShardedAdapter</c> of <c>@socket.io/redis-adapter</c>) and
/// the Redis Streams adapter (<c>@socket.io/redis-streams-adapter</c>): messages <c>{type, data, uid, nsp}</c>
/// for broadcasts (with acknowledgements), sockets join/leave/disconnect, fetch sockets and server-side emits, answered by
/// responses to the asking server. Rooms of all servers (<c>AllRoomsAsync</c>) are this server's only, as with the
/// official <c>ClusterAdapter</c>. Messages from Redis are untrusted: bounded, validated, and a bad one is logged and dropped.
/// </summary>
public abstract class RedisClusterSocketIOAdapter : InMemorySocketIOAdapter
{
    private readonly RedisRequests _requests = new(idLength: 16);
    private readonly List<ChannelMessageQueue> _queues = [];
    private int _publishFailureLogged;
    private int _disposed;

    private protected RedisClusterSocketIOAdapter(SocketIONamespace ns, IConnectionMultiplexer connection, TimeSpan requestsTimeout, int maxMessageBytes, ILogger logger)
        : base(ns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(logger);
        Connection = connection;
        RequestsTimeout = requestsTimeout;
        Logger = logger;
        Codec = new RedisAdapterCodec(ns, logger, maxMessageBytes);
    }

    /// <summary>Completes once the adapter is subscribed to its channels (it retries while Redis is unreachable).</summary>
    public abstract Task Subscribed { get; }

    private protected IConnectionMultiplexer Connection { get; }

    private protected ILogger Logger { get; }

    private protected RedisAdapterCodec Codec { get; }

    private protected TimeSpan RequestsTimeout { get; }

    private protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <inheritdoc/>
    public override void Broadcast(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        Task<string?> published = Task.FromResult<string?>(null);
        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            published = PublishOrDrop(BroadcastMessage(packet, options, requestId: null));
        }

        BroadcastHere(packet, options, published);
    }

    /// <inheritdoc/>
    public override void BroadcastWithAck(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, ISocketIOBroadcastAckCollector collector)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        if ((options.Flags & SocketIOBroadcastFlags.Local) != 0)
        {
            base.BroadcastWithAck(packet, options, collector);
            return;
        }

        // The answers of other servers find the request once it is published; local clients get the packet first.
        string requestId = _requests.AddAckRequest(collector);
        base.BroadcastWithAck(packet, options, collector);
        _ = PublishOrDrop(BroadcastMessage(packet, options, requestId));
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
        var pending = new PendingRequest(TypeFetchSockets, "fetchSockets", servers - 1);
        pending.Sockets.AddRange(local);
        byte[] data = JsonBytes(w =>
        {
            w.WritePropertyName("opts");
            WriteOptions(w, options, timeout: null);
            w.WriteString("requestId", requestId);
        });
        await SendRequestAsync(requestId, pending, new ClusterMessage(TypeFetchSockets, ServerId, Nsp.Name, data, requestId: requestId), cancellationToken).ConfigureAwait(false);
        lock (pending)
        {
            return [.. pending.Sockets];
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
            await PublishOrDrop(SelectionMessage(TypeSocketsJoin, options, w => RedisWire.WriteStrings(w, "rooms", rooms))).ConfigureAwait(false);
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
            await PublishOrDrop(SelectionMessage(TypeSocketsLeave, options, w => RedisWire.WriteStrings(w, "rooms", rooms))).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisconnectSocketsAsync(SocketIOBroadcastOptions options, bool close, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await base.DisconnectSocketsAsync(options, close, cancellationToken).ConfigureAwait(false);

        if ((options.Flags & SocketIOBroadcastFlags.Local) == 0)
        {
            await PublishOrDrop(SelectionMessage(TypeDisconnectSockets, options, w => w.WriteBoolean("close", close))).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask ServerSideEmitAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        byte[] message = JsonBytes(w =>
        {
            w.WritePropertyName("packet");
            w.WriteRawValue(data.Span, skipInputValidation: true);
        });
        await PublishOrDrop(new ClusterMessage(TypeServerSideEmit, ServerId, Nsp.Name, message)).WaitAsync(cancellationToken).ConfigureAwait(false);
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
        byte[] message = JsonBytes(w =>
        {
            w.WriteString("requestId", requestId);
            w.WritePropertyName("packet");
            w.WriteRawValue(data.Span, skipInputValidation: true);
        });
        await SendRequestAsync(requestId, pending, new ClusterMessage(TypeServerSideEmit, ServerId, Nsp.Name, message, requestId: requestId), cancellationToken).ConfigureAwait(false);
        lock (pending)
        {
            return [.. pending.Answers];
        }
    }

    /// <summary>Sends a message to every other server; gives its offset in the stream when it has one.</summary>
    private protected abstract Task<string?> PublishAsync(ClusterMessage message);

    /// <summary>Sends a response to the server <paramref name="requesterUid"/> that asked.</summary>
    private protected abstract Task PublishResponseAsync(string requesterUid, ClusterMessage response);

    /// <summary>
    /// Delivers this server's own broadcast to its local sockets once it is <paramref name="published"/>; by default at once
    /// through the in-memory adapter (which keeps it for connection state recovery on this server).
    /// </summary>
    private protected virtual void BroadcastHere(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, Task<string?> published) =>
        base.Broadcast(packet, options);

    /// <summary>Delivers another server's broadcast to the local sockets; by default through the in-memory adapter.</summary>
    private protected virtual void BroadcastFromCluster(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, string? offset) =>
        base.Broadcast(packet, options);

    /// <summary>
    /// Decodes a message of the cluster: JSON when it starts with '{', MessagePack otherwise (bounded by MaxMessageBytes);
    /// a bad one is logged and dropped.
    /// </summary>
    private protected void OnRawMessage(byte[]? bytes, string channel)
    {
        try
        {
            if (bytes is null || bytes.Length == 0 || !Codec.CheckSize(bytes))
            {
                return;
            }

            byte[] json;
            List<ReadOnlyMemory<byte>> attachments;
            if (bytes[0] == (byte)'{')
            {
                json = bytes;
                attachments = [];
            }
            else
            {
                (json, attachments) = Codec.ToJson(bytes);
            }

            using JsonDocument document = JsonDocument.Parse(json, Codec.DocumentOptions);
            OnMessage(document.RootElement, attachments, offset: null);
        }
        catch (Exception ex) when (RedisAdapterCodec.IsBadMessage(ex))
        {
            RedisAdapterLog.BadMessage(Logger, Nsp.Name, channel, ex.Message);
        }
    }

    /// <summary>
    /// Acts on a message of another server of the cluster (the official <c>onMessage</c>, responses included); throws on a bad
    /// one (<see cref="RedisAdapterCodec.IsBadMessage"/>).
    /// </summary>
    private protected void OnMessage(JsonElement message, List<ReadOnlyMemory<byte>> attachments, string? offset)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new MsgPackException("a message is an object");
        }

        string? uid = message.TryGetProperty("uid", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        if (uid == ServerId || !message.TryGetProperty("nsp", out JsonElement nsp) || nsp.ValueKind != JsonValueKind.String || !nsp.ValueEquals(Nsp.Name))
        {
            return;
        }

        int type = message.GetProperty("type").GetInt32();
        JsonElement data = message.TryGetProperty("data", out JsonElement d) ? d : default;
        if (type is TypeInitialHeartbeat or TypeHeartbeat or TypeAdapterClose)
        {
            return;
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new MsgPackException($"a message of type {type} without data");
        }

        string? requestId = data.TryGetProperty("requestId", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        switch (type)
        {
            case TypeBroadcast:
                OnBroadcast(data, attachments, uid, requestId, offset);
                break;
            case TypeSocketsJoin:
                Forget(base.AddSocketsAsync(RedisAdapterCodec.ReadSelection(data.GetProperty("opts")), RedisAdapterCodec.ReadStrings(data, "rooms"), CancellationToken.None));
                break;
            case TypeSocketsLeave:
                Forget(base.DeleteSocketsAsync(RedisAdapterCodec.ReadSelection(data.GetProperty("opts")), RedisAdapterCodec.ReadStrings(data, "rooms"), CancellationToken.None));
                break;
            case TypeDisconnectSockets:
                Forget(base.DisconnectSocketsAsync(
                    RedisAdapterCodec.ReadSelection(data.GetProperty("opts")),
                    data.TryGetProperty("close", out JsonElement close) && close.ValueKind == JsonValueKind.True,
                    CancellationToken.None));
                break;
            case TypeFetchSockets when uid is not null && requestId is not null:
            {
                List<SocketIOSocket> sockets = Select(RedisAdapterCodec.ReadSelection(data.GetProperty("opts")));
                Respond(uid, TypeFetchSocketsResponse, JsonBytes(w =>
                {
                    w.WriteString("requestId", requestId);
                    w.WriteStartArray("sockets");
                    foreach (SocketIOSocket socket in sockets)
                    {
                        Codec.WriteSocket(w, socket);
                    }

                    w.WriteEndArray();
                }));
                break;
            }

            case TypeServerSideEmit:
            {
                JsonElement packet = data.GetProperty("packet");
                byte[] raw = JsonMarshal.GetRawUtf8Value(packet).ToArray();
                if (requestId is null || uid is null)
                {
                    DispatchServerSideEvent(raw, null);
                    break;
                }

                DispatchServerSideEvent(raw, answer => Respond(uid, TypeServerSideEmitResponse, JsonBytes(w =>
                {
                    w.WriteString("requestId", requestId);
                    w.WritePropertyName("packet");
                    w.WriteRawValue(answer.Span, skipInputValidation: true);
                })));
                break;
            }

            case TypeFetchSocketsResponse or TypeServerSideEmitResponse or TypeBroadcastClientCount or TypeBroadcastAck when requestId is not null:
                OnResponse(type, data, attachments, requestId);
                break;
            default:
                break;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _requests.FailAll(GetType().Name);
            lock (_queues)
            {
                Unsubscribe(_queues);
                _queues.Clear();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Subscribes to a channel, retrying (bounded backoff) while Redis is unreachable and the channel is
    /// <paramref name="stillWanted"/>; its messages go to <see cref="OnRawMessage"/>, in order.
    /// </summary>
    private protected Task<ChannelMessageQueue?> SubscribeWithRetryAsync(RedisChannel redisChannel, string channel, Func<bool> stillWanted) =>
        RedisSubscriptions.SubscribeWithRetryAsync(
            Connection, redisChannel, () => !IsDisposed && stillWanted(), message => OnRawMessage((byte[]?)message.Message, channel), Logger, Nsp.Name);

    /// <summary>Keeps a subscription until the adapter is disposed.</summary>
    private protected void Track(ChannelMessageQueue? queue)
    {
        if (queue is not null)
        {
            lock (_queues)
            {
                _queues.Add(queue);
            }
        }
    }

    /// <summary>Unsubscribes without waiting; when Redis is gone the subscriptions go with the connection.</summary>
    private protected static void Unsubscribe(IEnumerable<ChannelMessageQueue> queues)
    {
        foreach (ChannelMessageQueue queue in queues)
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
    }

    /// <summary>Whether Redis is reachable; while it is not, messages are dropped (logged once per outage).</summary>
    private protected bool CanPublish(string target)
    {
        if (!Connection.IsConnected)
        {
            if (Interlocked.Exchange(ref _publishFailureLogged, 1) == 0)
            {
                RedisAdapterLog.PublishDropped(Logger, Nsp.Name, target);
            }

            return false;
        }

        Volatile.Write(ref _publishFailureLogged, 0);
        return true;
    }

    private void OnBroadcast(JsonElement data, List<ReadOnlyMemory<byte>> attachments, string? uid, string? requestId, string? offset)
    {
        SocketIOBroadcastPacket packet = Codec.ReadPacket(data.GetProperty("packet"), attachments, namespaceChecked: true)!;
        JsonElement opts = data.GetProperty("opts");
        if (requestId is null)
        {
            BroadcastFromCluster(packet, RedisAdapterCodec.ReadOptions(opts), offset);
            return;
        }

        if (uid is null || _requests.IsAckRequest(requestId))
        {
            return;
        }

        SocketIOBroadcastOptions selection = RedisAdapterCodec.ReadOptions(opts);
        TimeSpan timeout = RequestsTimeout;
        if (opts.TryGetProperty("flags", out JsonElement flags) && flags.ValueKind == JsonValueKind.Object
            && flags.TryGetProperty("timeout", out JsonElement t) && t.TryGetDouble(out double ms) && ms > 0 && ms < int.MaxValue)
        {
            timeout = TimeSpan.FromMilliseconds(ms);
        }

        selection = new SocketIOBroadcastOptions { Rooms = selection.Rooms, Except = selection.Except, Flags = selection.Flags, Timeout = timeout };
        base.BroadcastWithAck(packet, selection, new RemoteAckForwarder(
            timeout,
            clientCount => Respond(uid, TypeBroadcastClientCount, JsonBytes(w =>
            {
                w.WriteString("requestId", requestId);
                w.WriteNumber("clientCount", clientCount);
            })),
            (socketId, response) => Respond(uid, TypeBroadcastAck, JsonBytes(w =>
            {
                w.WriteString("requestId", requestId);
                if (socketId is not null)
                {
                    // Not in the official message (its adapters ignore it): our servers turn it into per-socket broadcast results.
                    w.WriteString("socketId", socketId);
                }

                if (response.Count != 0)
                {
                    w.WritePropertyName("packet");
                    w.WriteRawValue(response.GetRawJson(0).Span, skipInputValidation: true);
                }
            }), response.Attachments)));
    }

    private void OnResponse(int type, JsonElement data, List<ReadOnlyMemory<byte>> attachments, string requestId)
    {
        if (_requests.TryGetAckRequest(requestId, out ISocketIOBroadcastAckCollector? collector))
        {
            if (type is TypeBroadcastClientCount or TypeBroadcastAck)
            {
                Codec.DeliverBroadcastAckResponse(collector!, type == TypeBroadcastClientCount, data, attachments);
            }

            return;
        }

        if (!_requests.TryGetRequest(requestId, out PendingRequest? pending))
        {
            return;
        }

        lock (pending!)
        {
            if (type == TypeFetchSocketsResponse && pending.Type == TypeFetchSockets)
            {
                if (!data.TryGetProperty("sockets", out JsonElement sockets) || sockets.ValueKind != JsonValueKind.Array)
                {
                    return;
                }

                foreach (JsonElement socket in sockets.EnumerateArray())
                {
                    pending.Sockets.Add(Codec.ReadRemoteSocket(socket));
                }
            }
            else if (type == TypeServerSideEmitResponse && pending.Type == TypeServerSideEmit)
            {
                pending.Answers.Add(data.TryGetProperty("packet", out JsonElement answer) ? answer.Clone() : default);
            }
            else
            {
                return;
            }
        }

        _requests.Answered(requestId, pending);
    }

    private Task SendRequestAsync(string requestId, PendingRequest pending, ClusterMessage request, CancellationToken cancellationToken) =>
        _requests.SendAsync(requestId, pending, () => PublishOrDrop(request), RequestsTimeout, cancellationToken);

    /// <summary>Publishes; a failure (Redis unreachable) is logged and the message dropped, never thrown at the caller.</summary>
    private async Task<string?> PublishOrDrop(ClusterMessage message)
    {
        if (!CanPublish(Nsp.Name))
        {
            return null;
        }

        try
        {
            return await PublishAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisAdapterLog.PublishFailed(Logger, Nsp.Name, "type " + message.Type, ex);
            return null;
        }
    }

    private void Respond(string requesterUid, int type, byte[] data, IReadOnlyList<ReadOnlyMemory<byte>>? attachments = null)
    {
        if (!CanPublish(Nsp.Name))
        {
            return;
        }

        var response = new ClusterMessage(type, ServerId, Nsp.Name, data, attachments);
        PublishResponseAsync(requesterUid, response).ContinueWith(
            static (task, state) =>
            {
                var (adapter, type) = ((RedisClusterSocketIOAdapter, int))state!;
                RedisAdapterLog.PublishFailed(adapter.Logger, adapter.Nsp.Name, "response type " + type, task.Exception!.GetBaseException());
            },
            (this, type),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private ClusterMessage BroadcastMessage(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, string? requestId)
    {
        byte[] data = JsonBytes(w =>
        {
            w.WriteStartObject("packet");
            w.WriteNumber("type", 2);
            w.WritePropertyName("data");
            w.WriteRawValue(packet.Data.Span, skipInputValidation: true);
            w.WriteString("nsp", packet.Namespace);
            w.WriteEndObject();
            if (requestId is not null)
            {
                w.WriteString("requestId", requestId);
            }

            w.WritePropertyName("opts");
            WriteOptions(w, options, requestId is null ? null : options.Timeout ?? RequestsTimeout);
        });
        string? room = null;
        if (options.Rooms.Count == 1)
        {
            foreach (string only in options.Rooms)
            {
                room = only;
            }
        }

        return new ClusterMessage(TypeBroadcast, ServerId, Nsp.Name, data, packet.Attachments, requestId, room);
    }

    private ClusterMessage SelectionMessage(int type, SocketIOBroadcastOptions options, Action<Utf8JsonWriter> writeRest) =>
        new(type, ServerId, Nsp.Name, JsonBytes(w =>
        {
            w.WritePropertyName("opts");
            WriteOptions(w, options, timeout: null);
            writeRest(w);
        }));

    /// <summary>The official <c>encodeOptions</c>: <c>{rooms, except, flags}</c>, flags holding <c>volatile</c> and <c>timeout</c> when set.</summary>
    private static void WriteOptions(Utf8JsonWriter w, SocketIOBroadcastOptions options, TimeSpan? timeout)
    {
        w.WriteStartObject();
        RedisWire.WriteStrings(w, "rooms", options.Rooms);
        RedisWire.WriteStrings(w, "except", options.Except);
        w.WriteStartObject("flags");
        if ((options.Flags & SocketIOBroadcastFlags.Volatile) != 0)
        {
            w.WriteBoolean("volatile", true);
        }

        if (timeout is { } t)
        {
            w.WriteNumber("timeout", Math.Round(t.TotalMilliseconds));
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The in-memory adapter's room operations complete at once; nothing to wait for.</summary>
    private static void Forget(ValueTask done)
    {
        if (!done.IsCompletedSuccessfully)
        {
            _ = done.AsTask();
        }
    }

    private static byte[] JsonBytes(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetBytes(RedisWire.Json(write));

}
