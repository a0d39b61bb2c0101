
namespace TypedSocketIO.Redis.Tests;

/// <summary>The cluster (classic pub/sub) survives losing Redis (local traffic goes on) and comes back whole when Redis returns.</summary>
public sealed class RedisRestartTests() : RedisRestartSpecification(ClusterAdapterKind.Classic);

/// <summary>The cluster on sharded pub/sub survives losing Redis and comes back whole (sharded subscriptions renewed) when Redis returns.</summary>
public sealed class ShardedRedisRestartTests() : RedisRestartSpecification(ClusterAdapterKind.Sharded);

/// <summary>The cluster on one Redis stream survives losing Redis and comes back whole (readers and subscriptions resumed) when Redis returns.</summary>
public sealed class StreamsRedisRestartTests() : RedisRestartSpecification(ClusterAdapterKind.Streams);

/// <summary>The cluster survives losing Redis (local traffic goes on) and comes back whole when Redis returns.</summary>
public abstract class RedisRestartSpecification(ClusterAdapterKind kind) : IAsyncLifetime
{
    private NodeCluster _c = null!;

    public async Task InitializeAsync() => _c = await NodeCluster.StartAsync(kind);

    public async Task DisposeAsync() => await _c.DisposeAsync();

    [Fact]
    public async Task RedisRestart_LocalTrafficFlowsMeanwhile_ThenTheClusterIsWholeAgain()
    {
        await NodeClusterSpecification.BroadcastAsync(_c, "A", "r", "before");
        await _c.WaitForAllAsync("news", "before", NodeCluster.InRoom);

        _c.Redis.Kill();
        await NodeClusterSpecification.BroadcastAsync(_c, "A", "r", "while-down");
        await _c.WaitForAllAsync("news", "while-down", ["a-in"]);
        await Task.Delay(500);
        await _c.Redis.RestartAsync(TimeSpan.Zero);
        await _c.WaitForServerCountAsync(3);
        if (kind == ClusterAdapterKind.Sharded)
        {
            await _c.WaitForShardedSubscribersAsync(_c.Key + "#/#r#", 3);
        }

        foreach (string origin in new[] { "B", "node", "A" })
        {
            await NodeClusterSpecification.BroadcastAsync(_c, origin, "r", "after-" + origin);
            await NodeClusterSpecification.BroadcastAsync(_c, origin, null, "end-after-" + origin);
            await _c.WaitForAllAsync("news", "end-after-" + origin, NodeCluster.Clients);
            Assert.Equal(NodeCluster.InRoom.Order(), _c.Received().Where(r => r.Name == "news" && r.Args[0].GetString() == "after-" + origin).Select(r => r.Client).Order());
        }

        Assert.Contains(_c.A.Logs.Lines, l => l.Contains("Redis is unreachable", StringComparison.Ordinal) || l.Contains("connection to Redis", StringComparison.Ordinal));
        Assert.Contains(_c.A.Logs.Lines, l => l.Contains("is restored", StringComparison.Ordinal));
    }
}
