using TypedSocketIO.Server;
using TypedSocketIO.Server.Tests;

namespace TypedSocketIO.Redis.Tests;

/// <summary>One real Redis for every test of the adapter specification (each test uses its own channel key).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Redis.DisposeAsync();
}

/// <summary>The adapter specification, single server and "two servers, one backplane", run against a Redis adapter on a real Redis.</summary>
public abstract class RedisAdapterSpecification : SocketIOClusterAdapterSpecification, IDisposable
{
    private readonly List<IDisposable> _factories = [];

    protected RedisAdapterSpecification(RedisFixture redis) => Redis = redis.Redis;

    protected RedisServer Redis { get; }

    /// <summary>A key of this test's own (channels, stream).</summary>
    protected string Key { get; } = "spec-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        lock (_factories)
        {
            foreach (IDisposable factory in _factories)
            {
                factory.Dispose();
            }
        }

        GC.SuppressFinalize(this);
    }

    protected override ISocketIOAdapterFactory CreateAdapterFactory() => CreateClusterMemberFactory();

    protected override ISocketIOAdapterFactory CreateClusterMemberFactory()
    {
        // A connection per server: each one's subscriptions count it, as each Node server's do.
        ISocketIOAdapterFactory factory = Connect();
        lock (_factories)
        {
            _factories.Add((IDisposable)factory);
        }

        return factory;
    }

    /// <summary>A factory of one more server, on its own connection to <see cref="Redis"/>, with <see cref="Key"/>.</summary>
    protected abstract ISocketIOAdapterFactory Connect();
}

/// <summary>The specification against the classic pub/sub adapter (@socket.io/redis-adapter's createAdapter).</summary>
public sealed class RedisSocketIOAdapterTests(RedisFixture redis) : RedisAdapterSpecification(redis), IClassFixture<RedisFixture>
{
    protected override ISocketIOAdapterFactory Connect() => RedisSocketIOAdapterFactory.Connect(new RedisSocketIOAdapterOptions
    {
        Configuration = Redis.Configuration,
        Key = Key,
        RequestsTimeout = TimeSpan.FromSeconds(1),
    });
}
