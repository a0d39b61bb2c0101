namespace TypedSocketIO.Redis;

/// <summary>
/// Options of the Redis Streams adapter (the official <c>RedisStreamsAdapterOptions</c> of
/// <c>@socket.io/redis-streams-adapter</c> 0.3). Every server of one cluster, .NET or Node, uses the same
/// <see cref="StreamName"/>, <see cref="StreamCount"/>, <see cref="Key"/>, <see cref="UseShardedPubSub"/> and
/// <see cref="SessionKeyPrefix"/>.
/// </summary>
public sealed class RedisStreamsSocketIOAdapterOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> (with a connection given to
    /// <c>AddRedisStreamsAdapter</c>, its configuration is used for the stream readers, each on a connection of its own).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The name of the stream (the official <c>streamName</c>); default <c>socket.io</c>.</summary>
    public string StreamName { get; set; } = "socket.io";

    /// <summary>
    /// The number of streams (the official <c>streamCount</c>); default 1. With more, each namespace goes to
    /// <c>{StreamName}-{i}</c> by the official hash of its name, and each stream has a reader connection of its own.
    /// </summary>
    public int StreamCount { get; set; } = 1;

    /// <summary>The prefix of the pub/sub channels of requests and responses (the official <c>channelPrefix</c>); default <c>socket.io</c>.</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>Whether requests and responses go through Redis 7 sharded pub/sub (the official <c>useShardedPubSub</c>); default <see langword="false"/>.</summary>
    public bool UseShardedPubSub { get; set; }

    /// <summary>The approximate maximum length of the stream (<c>XADD MAXLEN ~</c>, the official <c>maxLen</c>); default 10 000.</summary>
    public int MaxLength { get; set; } = 10_000;

    /// <summary>How many entries one read takes at most (<c>XREAD COUNT</c>, the official <c>readCount</c>); default 100.</summary>
    public int ReadCount { get; set; } = 100;

    /// <summary>How long one read waits for new entries (<c>XREAD BLOCK</c>, the official <c>blockTimeInMs</c>); default 5 s.</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The prefix of the keys of the sessions kept for connection state recovery (the official <c>sessionKeyPrefix</c>);
    /// default <c>sio:session:</c>. Each expires after the recovery window.
    /// </summary>
    public string SessionKeyPrefix { get; set; } = "sio:session:";

    /// <summary>How long a request to the other servers (fetch sockets, server-side emit with acknowledgements) waits for their answers; default 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message or stream entry accepted from Redis, in bytes; a larger one is logged and dropped. Default 4 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;
}
