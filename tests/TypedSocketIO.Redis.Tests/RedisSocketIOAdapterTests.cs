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

/// <summary>The adapter specification, single server and "two servers, one backplane", run against the Redis adapter on a real Redis.</summary>
public sealed class RedisSocketIOAdapterTests : SocketIOClusterAdapterSpecification, IClassFixture<RedisFixture>, IDisposable
{
    private readonly RedisFixture _redis;
    private readonly string _key = "spec-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<RedisSocketIOAdapterFactory> _factories = [];

    public RedisSocketIOAdapterTests(RedisFixture redis) => _redis = redis;

    protected override ISocketIOAdapterFactory CreateAdapterFactory() => CreateClusterMemberFactory();

    protected override ISocketIOAdapterFactory CreateClusterMemberFactory()
    {
        // A connection per server: each one's subscriptions count it in PUBSUB NUMSUB, as each Node server's do.
        RedisSocketIOAdapterFactory factory = RedisSocketIOAdapterFactory.Connect(new RedisSocketIOAdapterOptions
        {
            Configuration = _redis.Redis.Configuration,
            Key = _key,
            RequestsTimeout = TimeSpan.FromSeconds(1),
        });
        lock (_factories)
        {
            _factories.Add(factory);
        }

        return factory;
    }

    public void Dispose()
    {
        lock (_factories)
        {
            foreach (RedisSocketIOAdapterFactory factory in _factories)
            {
                factory.Dispose();
            }
        }
    }
}
