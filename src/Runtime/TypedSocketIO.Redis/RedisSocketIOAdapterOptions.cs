namespace TypedSocketIO.Redis;

/// <summary>
/// Options of the Redis adapter (the official <c>RedisAdapterOptions</c>). Every server of one cluster, .NET or Node, uses
/// the same <see cref="Key"/>.
/// </summary>
public sealed class RedisSocketIOAdapterOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> (ignored when a connection is given to
    /// <c>AddRedisAdapter</c>). The adapter connects with <c>AbortOnConnectFail=false</c>: a server starts without Redis and
    /// joins the cluster when Redis is reachable.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The prefix of the channels (the official <c>key</c>); default <c>socket.io</c>.</summary>
    public string Key { get; set; } = "socket.io";

    /// <summary>How long a request to the other servers (fetch sockets, all rooms, server-side emit with acknowledgements) waits for their answers; default 5 s.</summary>
    public TimeSpan RequestsTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether answers to another server's requests go to its own response channel (<c>{key}-response#{nsp}#{uid}#</c>)
    /// rather than the shared one; default <see langword="false"/>, as the official adapter.
    /// </summary>
    public bool PublishOnSpecificResponseChannel { get; set; }

    /// <summary>The largest message accepted from Redis, in bytes; a larger one is logged and dropped. Default 4 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;
}
