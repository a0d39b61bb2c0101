using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using TypedSocketIO.Server;

namespace TypedSocketIO.Redis.Tests;

/// <summary>The adapter specification against the Streams adapter on a real Redis.</summary>
public sealed class RedisStreamsSocketIOAdapterTests(RedisFixture redis) : RedisAdapterSpecification(redis), IClassFixture<RedisFixture>
{
    protected override bool AllRoomsSpansTheCluster => false;

    protected override ISocketIOAdapterFactory Connect() => RedisStreamsSocketIOAdapterFactory.Connect(new RedisStreamsSocketIOAdapterOptions
    {
        Configuration = Redis.Configuration,
        StreamName = Key,
        Key = Key,
        RequestsTimeout = TimeSpan.FromSeconds(1),
    });
}

public sealed class StreamsRecoveryClusterFixture : IAsyncLifetime
{
    public NodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await NodeCluster.StartAsync(ClusterAdapterKind.Streams, recovery: true);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Connection state recovery across a cluster on one Redis stream: an official socket.io-client behind a load balancer (a
/// proxy in the Node process) loses its connection to one server, misses broadcasts, and its automatic reconnection lands on
/// another server, which gives it back its socket (same id, <c>recovered</c>) and the packets it missed, from Redis.
/// </summary>
public sealed class StreamsRecoveryTests : IClassFixture<StreamsRecoveryClusterFixture>
{
    private readonly NodeCluster _c;

    public StreamsRecoveryTests(StreamsRecoveryClusterFixture fixture) => _c = fixture.Cluster;

    [Theory]
    [InlineData("A", "B")]
    [InlineData("A", "node")]
    [InlineData("node", "B")]
    public async Task ClientCutFromOneServer_ReconnectsToAnother_GetsItsSocketAndTheMissedPackets(string first, string second)
    {
        string name = "recovering-" + first + "-" + second;
        string sid = (await _c.SendAsync(new JsonObject { ["cmd"] = "recoveryConnect", ["name"] = name, ["url"] = Url(first) })).GetProperty("sid").GetString()!;
        await NodeClusterSpecification.BroadcastAsync(_c, first, "r", "before-" + name);
        await _c.WaitForAllAsync("news", "before-" + name, [name]);

        await _c.SendAsync(new JsonObject { ["cmd"] = "proxyCut" });
        await WaitForSessionKeyAsync();
        await NodeClusterSpecification.BroadcastAsync(_c, "A", "r", "missed-1-" + name);
        await NodeClusterSpecification.BroadcastAsync(_c, "node", null, "missed-2-" + name);
        await NodeClusterSpecification.BroadcastAsync(_c, "B", "elsewhere", "not-for-it-" + name);
        await _c.SendAsync(new JsonObject { ["cmd"] = "proxyResume", ["url"] = Url(second) });

        await _c.WaitForAllAsync("news", "missed-1-" + name, [name]);
        await _c.WaitForAllAsync("news", "missed-2-" + name, [name]);
        var connects = _c.Received().Where(r => r.Client == name && r.Name == "$connect").Select(r => r.Args.GetRawText()).ToList();
        for (int i = 0; i < 400 && connects.Count < 2; i++)
        {
            await Task.Delay(25);
            connects = [.. _c.Received().Where(r => r.Client == name && r.Name == "$connect").Select(r => r.Args.GetRawText())];
        }

        Assert.Equal([$"[\"{sid}\",false]", $"[\"{sid}\",true]"], connects);
        var news = _c.Received().Where(r => r.Client == name && r.Name == "news").Select(r => r.Args[0].GetString()).ToList();
        // Each missed packet once, in the order of the stream (two servers' broadcasts may enter it in either order).
        Assert.Equal("before-" + name, news[0]);
        Assert.Equal(["missed-1-" + name, "missed-2-" + name], news.Skip(1).Order(StringComparer.Ordinal));
        foreach (var (_, _, args) in _c.Received().Where(r => r.Client == name && r.Name == "news"))
        {
            // The offset each broadcast carries is its stream entry id.
            Assert.Matches("^[0-9]+-[0-9]+$", args[args.GetArrayLength() - 1].GetString()!);
        }

        await _c.SendAsync(new JsonObject { ["cmd"] = "disconnect", ["name"] = name });
    }

    private string Url(string server) => server switch
    {
        "node" => _c.Urls[0],
        "A" => _c.Urls[1],
        _ => _c.Urls[2],
    };

    /// <summary>The server the client was on keeps its session in Redis once it sees the connection cut.</summary>
    private async Task WaitForSessionKeyAsync()
    {
        using ConnectionMultiplexer observer = await ConnectionMultiplexer.ConnectAsync(_c.Redis.Configuration);
        IServer server = observer.GetServer(observer.GetEndPoints()[0]);
        for (int i = 0; i < 400; i++)
        {
            if (server.Keys(pattern: _c.Key + ":session:*").Any())
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("no session kept in Redis\n" + _c.Describe());
    }
}
