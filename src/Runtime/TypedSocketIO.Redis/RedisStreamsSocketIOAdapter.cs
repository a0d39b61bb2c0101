using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Redis;

/// <summary>
/// The adapter of one namespace on a Redis stream, wire-compatible with the official <c>@socket.io/redis-streams-adapter</c>
/// 0.3: broadcasts, joins, leaves and disconnections are stream entries (<c>XADD {stream} MAXLEN ~ {max} * uid … nsp … type …
/// data …</c>, data as JSON, or base64 MessagePack when it carries binary) read by every server; requests that wait for
/// answers go through pub/sub on <c>{key}#{nsp}#</c> and responses to <c>{key}#{nsp}#{uid}#</c>, as MessagePack. With
/// connection state recovery on, a broadcast's offset is its stream entry id and the sessions of disconnected sockets are
/// kept in Redis (<c>{sessionKeyPrefix}{pid}</c>, expiring after the recovery window), so that a client reconnecting to any
/// server of the cluster gets its session and the packets it missed from the stream. Losing Redis never stops local
/// traffic; the readers and subscriptions resume when it returns.
/// </summary>
public sealed partial class RedisStreamsSocketIOAdapter : RedisClusterSocketIOAdapter
{
    /// <summary>The official restore reads the stream at most this many times (each time up to <see cref="RestoreBatch"/> entries).</summary>
    private const int RestoreMaxReads = 100;
    private const int RestoreBatch = 1000;

    private readonly RedisStreamsSocketIOAdapterOptions _options;
    private readonly RedisStreamReader _reader;
    private readonly RedisKey _stream;
    private readonly string _publicChannel;
    private readonly string _privateChannel;
    private readonly TimeSpan? _recoveryWindow;
    private readonly Lock _tailGate = new();
    private Task _localTail = Task.CompletedTask;

    internal RedisStreamsSocketIOAdapter(SocketIONamespace ns, IConnectionMultiplexer connection, RedisStreamsSocketIOAdapterOptions options, ILogger logger, RedisStreamReader reader)
        : base(ns, connection, options.RequestsTimeout, options.MaxMessageBytes, logger)
    {
        _options = options;
        _reader = reader;
        _stream = StreamNameOf(ns.Name, options);
        _publicChannel = options.Key + "#" + ns.Name + "#";
        _privateChannel = _publicChannel + ServerId + "#";
        _recoveryWindow = ns.Server.Options.ConnectionStateRecovery?.MaxDisconnectionDuration;
        reader.Register(this);
        Subscribed = SubscribeAsync();
    }

    /// <inheritdoc/>
    /// <remarks>Also waits until the reader of the stream knows where the stream ends.</remarks>
    public override Task Subscribed { get; }

    /// <inheritdoc/>
    /// <remarks>The subscribers of the namespace's channel (<c>PUBSUB NUMSUB</c>, or <c>SHARDNUMSUB</c>), as the official adapter counts them; at least 1.</remarks>
    public override async ValueTask<int> ServerCountAsync(CancellationToken cancellationToken)
    {
        RedisResult result = await Connection.GetDatabase().ExecuteAsync("PUBSUB", _options.UseShardedPubSub ? "SHARDNUMSUB" : "NUMSUB", _publicChannel)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])result!;
        return Math.Max(1, items.Length >= 2 ? (int)items[1] : 0);
    }

    /// <inheritdoc/>
    /// <remarks>Kept in Redis as the official adapter keeps it (base64 of MessagePack <c>{sid, pid, rooms, data}</c>, plus the user), for the recovery window.</remarks>
    public override void PersistSession(SocketIOSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_recoveryWindow is not { } window || !CanPublish(Nsp.Name))
        {
            return;
        }

        string encoded = Convert.ToBase64String(EncodeSession(session));
        Connection.GetDatabase().StringSetAsync(_options.SessionKeyPrefix + session.Pid, encoded, window).ContinueWith(
            static (task, state) =>
            {
                var (adapter, pid) = ((RedisStreamsSocketIOAdapter, string))state!;
                RedisAdapterLog.SessionFailed(adapter.Logger, adapter.Nsp.Name, pid, task.Exception!.GetBaseException());
            },
            (this, session.Pid),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As the official adapter: the offset must be a stream entry id still in the stream; the session is taken from Redis
    /// (once: a second attempt finds nothing) and the broadcasts of this namespace after the offset that select its rooms are
    /// the missed packets. A session of another user is left in Redis for its owner.
    /// </remarks>
    public override async ValueTask<SocketIORestoredSession?> RestoreSessionAsync(string pid, string offset, string? userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(offset);
        if (_recoveryWindow is null || !OffsetPattern().IsMatch(offset))
        {
            return null;
        }

        try
        {
            IDatabase db = Connection.GetDatabase();
            string key = _options.SessionKeyPrefix + pid;
            RedisValue raw = await db.StringGetAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (raw.IsNull || DecodeSession((string)raw!) is not { } session || session.Pid != pid)
            {
                return null;
            }

            if (!string.Equals(session.UserId, userId, StringComparison.Ordinal) || !await db.KeyDeleteAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            if ((await db.StreamRangeAsync(_stream, offset, offset, count: 1).WaitAsync(cancellationToken).ConfigureAwait(false)).Length == 0)
            {
                return null;
            }

            var missed = new List<SocketIOEncodedPacket>();
            string position = await ReadAfterAsync(db, offset, session.Rooms, missed, cancellationToken).ConfigureAwait(false);
            return new SocketIORestoredSession(session, missed) { Position = position };
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            RedisAdapterLog.SessionFailed(Logger, Nsp.Name, pid, ex);
            return null;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The position is the last entry the restore read: the entries after it, read again from the stream once the socket can be
    /// found (an entry this server delivers to the socket as well is dropped by the server). <see langword="null"/> when the
    /// position was trimmed from the stream meanwhile.
    /// </remarks>
    public override async ValueTask<IReadOnlyList<SocketIOEncodedPacket>?> ReadPacketsAfterAsync(string position, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(rooms);
        if (_recoveryWindow is null || !OffsetPattern().IsMatch(position))
        {
            return null;
        }

        IDatabase db = Connection.GetDatabase();
        if ((await db.StreamRangeAsync(_stream, position, position, count: 1).WaitAsync(cancellationToken).ConfigureAwait(false)).Length == 0)
        {
            return null;
        }

        var missed = new List<SocketIOEncodedPacket>();
        await ReadAfterAsync(db, position, rooms, missed, cancellationToken).ConfigureAwait(false);
        return missed;
    }

    /// <summary>
    /// Reads the stream after <paramref name="offset"/> (at most <see cref="RestoreMaxReads"/> batches, as the official restore),
    /// adding the broadcasts that select <paramref name="rooms"/>; returns the id of the last entry read (the offset when none).
    /// </summary>
    private async Task<string> ReadAfterAsync(IDatabase db, string offset, IReadOnlyCollection<string> rooms, List<SocketIOEncodedPacket> missed, CancellationToken cancellationToken)
    {
        string position = offset;
        for (int read = 0; read < RestoreMaxReads; read++)
        {
            StreamEntry[] entries = await db.StreamRangeAsync(_stream, NextOffset(position), "+", count: RestoreBatch).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (StreamEntry entry in entries)
            {
                position = entry.Id.ToString();
                if (MissedPacket(entry, rooms) is { } packet)
                {
                    missed.Add(packet);
                }
            }

            if (entries.Length < RestoreBatch)
            {
                break;
            }
        }

        return position;
    }

    /// <summary>An entry of the stream for this namespace (from <see cref="RedisStreamReader"/>); a bad one is logged and dropped.</summary>
    internal void OnStreamEntry(string id, IReadOnlyDictionary<string, RedisValue> fields)
    {
        try
        {
            (byte[] json, List<ReadOnlyMemory<byte>> attachments) = EntryToJson(fields);
            using JsonDocument document = JsonDocument.Parse(json, Codec.DocumentOptions);
            OnMessage(document.RootElement, attachments, id);
        }
        catch (Exception ex) when (RedisAdapterCodec.IsBadMessage(ex))
        {
            RedisAdapterLog.BadMessage(Logger, Nsp.Name, _stream.ToString() + " " + id, ex.Message);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _reader.Unregister(this);
        base.Dispose(disposing);
    }

    private protected override async Task<string?> PublishAsync(ClusterMessage message)
    {
        if (message.IsEphemeral)
        {
            await Connection.GetSubscriber().PublishAsync(Channel(_publicChannel), message.ToMsgPack()).ConfigureAwait(false);
            return null;
        }

        NameValueEntry[] fields =
        [
            new("uid", message.Uid),
            new("nsp", message.Nsp),
            new("type", message.Type.ToString(CultureInfo.InvariantCulture)),
            new("data", message.HasBinary ? Convert.ToBase64String(message.DataToMsgPack()) : message.DataToJson()),
        ];
        RedisValue id = await Connection.GetDatabase().StreamAddAsync(_stream, fields, maxLength: _options.MaxLength, useApproximateMaxLength: true).ConfigureAwait(false);
        return id.ToString();
    }

    private protected override Task PublishResponseAsync(string requesterUid, ClusterMessage response) =>
        Connection.GetSubscriber().PublishAsync(Channel(_publicChannel + requesterUid + "#"), response.ToMsgPack());

    /// <summary>With recovery on, this server's own broadcast reaches its local sockets with its stream entry id as offset, in the order of the broadcasts.</summary>
    private protected override void BroadcastHere(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, Task<string?> published)
    {
        if (_recoveryWindow is null || (options.Flags & (SocketIOBroadcastFlags.Volatile | SocketIOBroadcastFlags.Local)) != 0)
        {
            BroadcastWithoutRecovery(packet, options);
            return;
        }

        lock (_tailGate)
        {
            _localTail = DeliverAfterAsync(_localTail, published, packet, options);
        }
    }

    /// <summary>Another server's broadcast, with its stream entry id as offset when recovery is on (the official <c>addOffsetIfNecessary</c>).</summary>
    private protected override void BroadcastFromCluster(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options, string? offset) =>
        BroadcastWithoutRecovery(
            _recoveryWindow is not null && offset is not null && (options.Flags & SocketIOBroadcastFlags.Volatile) == 0 ? packet.WithOffset(offset) : packet,
            options);

    /// <summary>The stream of a namespace: the official <c>computeStreamName</c> (Java's string hash, as JavaScript computes it).</summary>
    internal static string StreamNameOf(string nsp, RedisStreamsSocketIOAdapterOptions options)
    {
        if (options.StreamCount == 1)
        {
            return options.StreamName;
        }

        int hash = 0;
        foreach (char c in nsp)
        {
            hash = unchecked((hash * 31) + c);
        }

        return options.StreamName + "-" + (hash % options.StreamCount).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The official <c>nextOffset</c>: the id right after (XRANGE's start is inclusive).</summary>
    private static string NextOffset(string offset)
    {
        int dash = offset.IndexOf('-', StringComparison.Ordinal);
        return offset[..dash] + "-" + (ulong.Parse(offset.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^[0-9]{1,20}-[0-9]{1,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetPattern();

    private RedisChannel Channel(string name) => _options.UseShardedPubSub ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);

    private async Task SubscribeAsync()
    {
        await _reader.Ready.ConfigureAwait(false);
        foreach (string channel in new[] { _publicChannel, _privateChannel })
        {
            Track(await SubscribeWithRetryAsync(Channel(channel), channel, static () => true).ConfigureAwait(false));
        }
    }

    private async Task DeliverAfterAsync(Task previous, Task<string?> published, SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        await previous.ConfigureAwait(false);
        string? offset = await published.ConfigureAwait(false);
        BroadcastWithoutRecovery(offset is null ? packet : packet.WithOffset(offset), options);
    }

    /// <summary>
    /// An entry <c>{uid, nsp, type, data}</c> as the JSON of a cluster message (the official <c>decode</c>): data is JSON when
    /// it starts with '{', base64 MessagePack otherwise. Untrusted: bounded by MaxMessageBytes, validated.
    /// </summary>
    private (byte[] Json, List<ReadOnlyMemory<byte>> Attachments) EntryToJson(IReadOnlyDictionary<string, RedisValue> fields)
    {
        string? uid = fields.TryGetValue("uid", out RedisValue u) && u.HasValue ? u.ToString() : null;
        string nsp = fields.TryGetValue("nsp", out RedisValue n) && n.HasValue ? n.ToString() : throw new MsgPackException("an entry without nsp");
        if (!fields.TryGetValue("type", out RedisValue t) || !int.TryParse(t.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int type))
        {
            throw new MsgPackException("an entry without a numeric type");
        }

        byte[]? dataJson = null;
        List<ReadOnlyMemory<byte>> attachments = [];
        if (fields.TryGetValue("data", out RedisValue d) && d.HasValue)
        {
            byte[] data = (byte[])d!;
            if (!Codec.CheckSize(data))
            {
                throw new MsgPackException("the entry is too large");
            }

            if (data.Length > 0 && data[0] == (byte)'{')
            {
                dataJson = data;
            }
            else if (data.Length > 0)
            {
                (dataJson, attachments) = Codec.ToJson(Convert.FromBase64String(Encoding.ASCII.GetString(data)));
            }
        }

        var buffer = new ArrayBufferWriter<byte>((dataJson?.Length ?? 0) + 96);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (uid is not null)
            {
                w.WriteString("uid", uid);
            }

            w.WriteString("nsp", nsp);
            w.WriteNumber("type", type);
            if (dataJson is not null)
            {
                w.WritePropertyName("data");
                w.WriteRawValue(dataJson);
            }

            w.WriteEndObject();
        }

        return (buffer.WrittenSpan.ToArray(), attachments);
    }

    /// <summary>A broadcast of this namespace in the stream that selects a session's rooms, with its entry id as offset; otherwise none.</summary>
    private SocketIOEncodedPacket? MissedPacket(StreamEntry entry, IReadOnlyCollection<string> sessionRooms)
    {
        var fields = new Dictionary<string, RedisValue>(4, StringComparer.Ordinal);
        foreach (NameValueEntry value in entry.Values)
        {
            fields[value.Name.ToString()] = value.Value;
        }

        if (!fields.TryGetValue("nsp", out RedisValue nsp) || nsp.ToString() != Nsp.Name || !fields.TryGetValue("type", out RedisValue type) || type.ToString() != "3")
        {
            return null;
        }

        try
        {
            (byte[] json, List<ReadOnlyMemory<byte>> attachments) = EntryToJson(fields);
            using JsonDocument document = JsonDocument.Parse(json, Codec.DocumentOptions);
            JsonElement data = document.RootElement.GetProperty("data");
            SocketIOBroadcastOptions opts = RedisAdapterCodec.ReadOptions(data.GetProperty("opts"));
            bool included = opts.Rooms.Count == 0;
            foreach (string room in sessionRooms)
            {
                if (opts.Except.Contains(room))
                {
                    return null;
                }

                included |= opts.Rooms.Contains(room);
            }

            return included ? Codec.ReadPacket(data.GetProperty("packet"), attachments, namespaceChecked: true)!.WithOffset(entry.Id.ToString()).Encode() : null;
        }
        catch (Exception ex) when (RedisAdapterCodec.IsBadMessage(ex))
        {
            RedisAdapterLog.BadMessage(Logger, Nsp.Name, _stream.ToString() + " " + entry.Id, ex.Message);
            return null;
        }
    }

    private byte[] EncodeSession(SocketIOSession session)
    {
        byte[] json = Encoding.UTF8.GetBytes(RedisWire.Json(w =>
        {
            w.WriteString("sid", session.Sid);
            w.WriteString("pid", session.Pid);
            RedisWire.WriteStrings(w, "rooms", session.Rooms);
            if (Codec.TryWriteData(session.Data) is { } data)
            {
                w.WritePropertyName("data");
                w.WriteRawValue(data, skipInputValidation: true);
            }

            if (session.UserId is not null)
            {
                w.WriteString("userId", session.UserId);
            }
        }));
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4096 });
        var writer = new MsgPackWriter(json.Length + 16);
        JsonMsgPack.Write(writer, document.RootElement, []);
        return writer.ToArray();
    }

    /// <summary>A session as the official adapter keeps it (untrusted: a bad one is logged and dropped).</summary>
    private SocketIOSession? DecodeSession(string base64)
    {
        try
        {
            byte[] bytes = Convert.FromBase64String(base64);
            if (!Codec.CheckSize(bytes))
            {
                return null;
            }

            (byte[] json, _) = Codec.ToJson(bytes);
            using JsonDocument document = JsonDocument.Parse(json, Codec.DocumentOptions);
            JsonElement root = document.RootElement;
            string sid = root.GetProperty("sid").GetString() ?? throw new MsgPackException("a session without sid");
            string pid = root.GetProperty("pid").GetString() ?? throw new MsgPackException("a session without pid");
            return new SocketIOSession
            {
                Sid = sid,
                Pid = pid,
                Rooms = RedisAdapterCodec.ReadStrings(root, "rooms"),
                Data = root.TryGetProperty("data", out JsonElement data) && data.ValueKind != JsonValueKind.Null ? data.Clone() : null,
                UserId = root.TryGetProperty("userId", out JsonElement user) && user.ValueKind == JsonValueKind.String ? user.GetString() : null,
            };
        }
        catch (Exception ex) when (RedisAdapterCodec.IsBadMessage(ex))
        {
            RedisAdapterLog.BadMessage(Logger, Nsp.Name, _options.SessionKeyPrefix, ex.Message);
            return null;
        }
    }
}
