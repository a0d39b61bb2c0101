using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis;

/// <summary>
/// Creates the <see cref="RedisStreamsSocketIOAdapter"/> of each namespace of one server (the official
/// <c>createAdapter(redisClient)</c> of <c>@socket.io/redis-streams-adapter</c>): one connection for commands and pub/sub, and
/// one reader connection per stream (a blocking <c>XREAD</c> holds its connection). Each server of the cluster needs its own
/// factory.
/// </summary>
public sealed class RedisStreamsSocketIOAdapterFactory : ISocketIOAdapterFactory, IDisposable
{
    private readonly RedisStreamsSocketIOAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly RedisAdapterConnection _connection;
    private readonly Dictionary<string, RedisStreamReader> _readers = new(StringComparer.Ordinal);

    /// <summary>Creates a factory on a connection the caller owns; the stream readers connect with its configuration.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory; none logs nothing.</param>
    public RedisStreamsSocketIOAdapterFactory(IConnectionMultiplexer connection, RedisStreamsSocketIOAdapterOptions options, ILoggerFactory? loggerFactory = null)
        : this(connection, options, loggerFactory, ownsConnection: false)
    {
    }

    private RedisStreamsSocketIOAdapterFactory(IConnectionMultiplexer connection, RedisStreamsSocketIOAdapterOptions options, ILoggerFactory? loggerFactory, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        RedisSocketIOAdapterOptionsValidator.ThrowIfInvalid(options, connectionGiven: true);
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedSocketIO.Redis.RedisStreamsSocketIOAdapter");
        _connection = new RedisAdapterConnection(connection, _logger, ownsConnection);
        string configuration = options.Configuration ?? connection.Configuration;
        for (int i = 0; i < options.StreamCount; i++)
        {
            string stream = options.StreamCount == 1 ? options.StreamName : options.StreamName + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _readers[stream] = new RedisStreamReader(configuration, stream, options, _logger);
        }
    }

    /// <summary>The connection to Redis (commands and pub/sub).</summary>
    public IConnectionMultiplexer Connection => _connection.Connection;

    /// <summary>
    /// Connects to Redis with <see cref="RedisStreamsSocketIOAdapterOptions.Configuration"/> (not failing when Redis is not
    /// reachable yet) and creates a factory that owns the connection.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>The factory.</returns>
    public static RedisStreamsSocketIOAdapterFactory Connect(RedisStreamsSocketIOAdapterOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RedisSocketIOAdapterOptionsValidator.ThrowIfInvalid(options, connectionGiven: false);
        return new RedisStreamsSocketIOAdapterFactory(RedisAdapterConnection.Connect(options.Configuration!), options, loggerFactory, ownsConnection: true);
    }

    /// <inheritdoc/>
    public ISocketIOAdapter Create(SocketIONamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        RedisStreamReader reader = _readers[RedisStreamsSocketIOAdapter.StreamNameOf(ns.Name, _options)];
        return new RedisStreamsSocketIOAdapter(ns, Connection, _options, _logger, reader);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (RedisStreamReader reader in _readers.Values)
        {
            reader.Dispose();
        }

        _connection.Dispose();
    }
}
