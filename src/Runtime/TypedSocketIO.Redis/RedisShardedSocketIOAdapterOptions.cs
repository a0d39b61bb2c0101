namespace TypedSocketIO.Redis;

/// <summary>
/// Options of the Redis sharded pub/sub adapter (the official <c>ShardedRedisAdapterOptions</c> of
/// <c>createShardedAdapter</c>). Every server of one cluster, .NET or Node, uses the same <see cref="Key"/> and
/// <see cref="SubscriptionMode"/>.
/// </summary>
public sealed class RedisShardedSocketIOAdapterOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> (ignored when a connection is given to
    /// <c>AddRedisShardedAdapter</c>). Sharded pub/sub needs Redis 7 or later.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The prefix of the channels (the official <c>channelPrefix</c>); default <c>socket.io</c>.</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>Which rooms get a channel of their own; default <see cref="RedisShardedSubscriptionMode.Dynamic"/>, as the official adapter.</summary>
    public RedisShardedSubscriptionMode SubscriptionMode { get; set; } = RedisShardedSubscriptionMode.Dynamic;

    /// <summary>How long a request to the other servers (fetch sockets, server-side emit with acknowledgements) waits for their answers; default 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message accepted from Redis, in bytes; a larger one is logged and dropped. Default 4 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>The official <c>subscriptionMode</c> of the sharded adapter: which broadcasts go to a channel of their room.</summary>
public enum RedisShardedSubscriptionMode
{
    /// <summary>
    /// <c>"static"</c>: two channels per namespace (<c>{key}#{nsp}#</c> and this server's response channel); every server
    /// receives every broadcast.
    /// </summary>
    Static,

    /// <summary>
    /// <c>"dynamic"</c>: a broadcast to one public room (a room that is not a socket id) goes to <c>{key}#{nsp}#{room}#</c>,
    /// to which only the servers with a socket in that room subscribe.
    /// </summary>
    Dynamic,

    /// <summary><c>"dynamic-private"</c>: as <see cref="Dynamic"/>, private rooms (socket ids) included.</summary>
    DynamicPrivate,
}
