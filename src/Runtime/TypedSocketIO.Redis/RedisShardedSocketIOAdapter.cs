using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis;

/// <summary>
/// The adapter of one namespace on Redis 7 sharded pub/sub (<c>SPUBLISH</c>/<c>SSUBSCRIBE</c>), wire-compatible with
/// <c>createShardedAdapter</c> of the official <c>@socket.io/redis-adapter</c> 8.3: messages (JSON, or MessagePack when they
/// carry binary) go to <c>{key}#{nsp}#</c>, or to <c>{key}#{nsp}#{room}#</c> for a broadcast to one room in the dynamic
/// subscription modes (this server subscribes to the channel of each room it has a socket in); responses go to
/// <c>{key}#{nsp}#{uid}#</c> of the server that asked. The server count is <c>PUBSUB SHARDNUMSUB {key}#{nsp}#</c>. Losing
/// Redis never stops local traffic; StackExchange.Redis reconnects and subscribes again.
/// </summary>
public sealed class RedisShardedSocketIOAdapter : RedisClusterSocketIOAdapter
{
    private readonly RedisShardedSocketIOAdapterOptions _options;
    private readonly string _channel;
    private readonly string _responseChannel;
    private readonly Dictionary<string, ChannelMessageQueue> _roomQueues = new(StringComparer.Ordinal);
    private readonly Channel<string> _roomChanges = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Creates the adapter of a namespace and starts subscribing (<see cref="Subscribed"/>).</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="connection">The connection to Redis, of this server only (its subscriptions count this server).</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    public RedisShardedSocketIOAdapter(SocketIONamespace ns, IConnectionMultiplexer connection, RedisShardedSocketIOAdapterOptions options, ILogger logger)
        : base(ns, connection, (options ?? throw new ArgumentNullException(nameof(options))).RequestsTimeout, options.MaxMessageBytes, logger)
    {
        _options = options;
        _channel = options.Key + "#" + ns.Name + "#";
        _responseChannel = _channel + ServerId + "#";
        Subscribed = SubscribeAsync();
        if (options.SubscriptionMode != RedisShardedSubscriptionMode.Static)
        {
            _ = FollowRoomsAsync();
        }
    }

    /// <inheritdoc/>
    public override Task Subscribed { get; }

    /// <inheritdoc/>
    public override void AddAll(string socketId, IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        if (_options.SubscriptionMode == RedisShardedSubscriptionMode.Static)
        {
            base.AddAll(socketId, rooms);
            return;
        }

        List<string> added = [.. rooms];
        base.AddAll(socketId, added);
        foreach (string room in added)
        {
            if (HasChannelOfItsOwn(room, socketId))
            {
                _roomChanges.Writer.TryWrite(room);
            }
        }
    }

    /// <inheritdoc/>
    public override void Delete(string socketId, string room)
    {
        base.Delete(socketId, room);
        if (_options.SubscriptionMode != RedisShardedSubscriptionMode.Static)
        {
            _roomChanges.Writer.TryWrite(room);
        }
    }

    /// <inheritdoc/>
    public override void DeleteAll(string socketId)
    {
        IReadOnlyCollection<string> rooms = _options.SubscriptionMode == RedisShardedSubscriptionMode.Static ? [] : GetSocketRooms(socketId);
        base.DeleteAll(socketId);
        foreach (string room in rooms)
        {
            _roomChanges.Writer.TryWrite(room);
        }
    }

    /// <inheritdoc/>
    /// <remarks>The subscribers of the namespace's channel (<c>PUBSUB SHARDNUMSUB</c>), as the official adapter counts them; at least 1.</remarks>
    public override async ValueTask<int> ServerCountAsync(CancellationToken cancellationToken)
    {
        RedisResult result = await Connection.GetDatabase().ExecuteAsync("PUBSUB", "SHARDNUMSUB", _channel).WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])result!;
        return Math.Max(1, items.Length >= 2 ? (int)items[1] : 0);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!IsDisposed)
        {
            _roomChanges.Writer.TryComplete();
            lock (_roomQueues)
            {
                Unsubscribe(_roomQueues.Values);
                _roomQueues.Clear();
            }
        }

        base.Dispose(disposing);
    }

    private protected override async Task<string?> PublishAsync(ClusterMessage message)
    {
        await Connection.GetSubscriber().PublishAsync(RedisChannel.Sharded(ChannelOf(message)), message.HasBinary ? message.ToMsgPack() : message.ToJson()).ConfigureAwait(false);
        return null;
    }

    private protected override Task PublishResponseAsync(string requesterUid, ClusterMessage response) =>
        Connection.GetSubscriber().PublishAsync(RedisChannel.Sharded(_channel + requesterUid + "#"), response.HasBinary ? response.ToMsgPack() : response.ToJson());

    /// <summary>
    /// The official <c>computeChannel</c>: a broadcast without acknowledgement to one room goes to the room's channel in the
    /// dynamic modes (in "dynamic", unless the room looks like a socket id: 20 characters); everything else to the namespace's.
    /// </summary>
    private string ChannelOf(ClusterMessage message) =>
        message.Type == ClusterMessage.TypeBroadcast && message.RequestId is null && message.Room is { } room
        && ((_options.SubscriptionMode == RedisShardedSubscriptionMode.Dynamic && room.Length != 20) || _options.SubscriptionMode == RedisShardedSubscriptionMode.DynamicPrivate)
            ? _channel + room + "#"
            : _channel;

    /// <summary>The official <c>shouldUseASeparateNamespace</c>: public rooms in "dynamic", every room in "dynamic-private".</summary>
    private bool HasChannelOfItsOwn(string room, string socketId) =>
        _options.SubscriptionMode == RedisShardedSubscriptionMode.DynamicPrivate
        || (room != socketId && !Nsp.Sockets.ContainsKey(room));

    private async Task SubscribeAsync()
    {
        foreach (string channel in new[] { _channel, _responseChannel })
        {
            Track(await SubscribeWithRetryAsync(RedisChannel.Sharded(channel), channel, static () => true).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// One loop per namespace follows its rooms, in order: the channel of a room this server has a socket in is subscribed,
    /// the channel of a room it no longer has is unsubscribed (the official "create-room"/"delete-room" handlers).
    /// </summary>
    private async Task FollowRoomsAsync()
    {
        await Subscribed.ConfigureAwait(false);
        await foreach (string room in _roomChanges.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            bool subscribed;
            lock (_roomQueues)
            {
                subscribed = _roomQueues.ContainsKey(room);
            }

            bool wanted = HasLocalRoom(room);
            if (wanted && !subscribed)
            {
                string channel = _channel + room + "#";
                ChannelMessageQueue? queue = await SubscribeWithRetryAsync(RedisChannel.Sharded(channel), channel, () => HasLocalRoom(room)).ConfigureAwait(false);
                if (queue is not null)
                {
                    lock (_roomQueues)
                    {
                        _roomQueues[room] = queue;
                    }

                    if (!HasLocalRoom(room))
                    {
                        _roomChanges.Writer.TryWrite(room);
                    }
                }
            }
            else if (!wanted && subscribed)
            {
                ChannelMessageQueue? queue;
                lock (_roomQueues)
                {
                    _roomQueues.Remove(room, out queue);
                }

                try
                {
                    await queue!.UnsubscribeAsync().ConfigureAwait(false);
                }
                catch (RedisException ex)
                {
                    // Redis is gone: the subscription is not renewed when it returns (StackExchange.Redis forgets unsubscribed channels).
                    RedisAdapterLog.PublishFailed(Logger, Nsp.Name, _channel + room + "#", ex);
                }
            }
        }
    }
}
