using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using TypedSocketIO.Redis.Internal;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis;

/// <summary>
/// Creates the <see cref="RedisSocketIOAdapter"/> of each namespace of one server, on one connection to Redis (the official
/// <c>createAdapter(pubClient, subClient)</c>). Each server of the cluster needs its own factory and connection.
/// </summary>
public sealed class RedisSocketIOAdapterFactory : ISocketIOAdapterFactory, IDisposable
{
    private readonly RedisSocketIOAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly RedisAdapterConnection _connection;

    /// <summary>Creates a factory on a connection the caller owns.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory; none logs nothing.</param>
    public RedisSocketIOAdapterFactory(IConnectionMultiplexer connection, RedisSocketIOAdapterOptions options, ILoggerFactory? loggerFactory = null)
        : this(connection, options, loggerFactory, ownsConnection: false)
    {
    }

    private RedisSocketIOAdapterFactory(IConnectionMultiplexer connection, RedisSocketIOAdapterOptions options, ILoggerFactory? loggerFactory, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        RedisSocketIOAdapterOptionsValidator.ThrowIfInvalid(options, connectionGiven: true);
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TypedSocketIO.Redis.RedisSocketIOAdapter");
        _connection = new RedisAdapterConnection(connection, _logger, ownsConnection);
    }

    /// <summary>The connection to Redis.</summary>
    public IConnectionMultiplexer Connection => _connection.Connection;

    /// <summary>
    /// Connects to Redis with <see cref="RedisSocketIOAdapterOptions.Configuration"/> (not failing when Redis is not reachable
    /// yet) and creates a factory that owns the connection.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>The factory.</returns>
    public static RedisSocketIOAdapterFactory Connect(RedisSocketIOAdapterOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        RedisSocketIOAdapterOptionsValidator.ThrowIfInvalid(options, connectionGiven: false);
        return new RedisSocketIOAdapterFactory(RedisAdapterConnection.Connect(options.Configuration!), options, loggerFactory, ownsConnection: true);
    }

    /// <inheritdoc/>
    public ISocketIOAdapter Create(SocketIONamespace ns) => new RedisSocketIOAdapter(ns, Connection, _options, _logger);

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();
}
