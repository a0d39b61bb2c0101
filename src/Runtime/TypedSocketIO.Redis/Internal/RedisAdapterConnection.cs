using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace TypedSocketIO.Redis.Internal;

/// <summary>The connection of a Redis adapter factory: opened so that a server starts without Redis, its failures and restorations logged.</summary>
internal sealed class RedisAdapterConnection : IDisposable
{
    private readonly ILogger _logger;
    private readonly bool _owned;

    public RedisAdapterConnection(IConnectionMultiplexer connection, ILogger logger, bool owned)
    {
        Connection = connection;
        _logger = logger;
        _owned = owned;
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
    }

    public IConnectionMultiplexer Connection { get; }

    /// <summary>Connects without failing when Redis is not reachable yet; commands fail fast while it is down.</summary>
    public static IConnectionMultiplexer Connect(string configuration)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(options);
    }

    public void Dispose()
    {
        Connection.ConnectionFailed -= OnConnectionFailed;
        Connection.ConnectionRestored -= OnConnectionRestored;
        if (_owned)
        {
            Connection.Dispose();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        RedisAdapterLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        RedisAdapterLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
}
