using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis;

/// <summary>
/// Creates the <see cref="RedisShardedSocketIOAdapter"/> of each namespace of one server, on one connection to Redis 7 or later (the official
/// <c>createShardedAdapter(pubClient, subClient)</c>). Each server of the cluster needs its own factory and connection.
/// </summary>
public sealed class RedisShardedSocketIOAdapterFactory : ISocketIOAdapterFactory, IDisposable
{
    private readonly RedisShardedSocketIOAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly RedisAdapterConnection _connection;

    /// <summary>Creates a factory on a connection the caller owns.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory; none logs nothing.</param>
    public RedisShardedSocketIOAdapterFactory(IConnectionMultiplexer connection, RedisShardedSocketIOAdapterOptions options, ILoggerFactory? loggerFactory = null)
        : this(connection, options, loggerFactory, ownsConnection: false)
    {
    }

    private RedisShardedSocketIOAdapterFactory(IConnectionMultiplexer connection, RedisShardedSocketIOAdapterOptions options, ILoggerFactory? loggerFactory, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        RedisSocketIOAdapterOptionsValidator.ThrowIfInvalid(options, connectionGiven: true);
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedSocketIO.Redis.RedisShardedSocketIOAdapter");
        _connection = new RedisAdapterConnection(connection, _logger, ownsConnection);
    }

    /// <summary>The connection to Redis.</summary>
    public IConnectionMultiplexer Connection => _connection.Connection;

    /// <summary>
    /// Connects to Redis with <see cref="RedisShardedSocketIOAdapterOptions.Configuration"/> (not failing when Redis is not reachable
    /// yet) and creates a factory that owns the connection.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>The factory.</returns>
    public static RedisShardedSocketIOAdapterFactory Connect(RedisShardedSocketIOAdapterOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RedisSocketIOAdapterOptionsValidator.ThrowIfInvalid(options, connectionGiven: false);
        return new RedisShardedSocketIOAdapterFactory(RedisAdapterConnection.Connect(options.Configuration!), options, loggerFactory, ownsConnection: true);
    }

    /// <inheritdoc/>
    public ISocketIOAdapter Create(SocketIONamespace ns) => new RedisShardedSocketIOAdapter(ns, Connection, _options, _logger);

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();
}
