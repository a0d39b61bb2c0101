using StackExchange.Redis;
using TypedSocketIO.Server;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Redis.Tests;

/// <summary>
/// The adapter specification against the sharded pub/sub adapter on a real Redis 7 (subscription mode "static": every
/// server receives every broadcast, so a join is effective at once).
/// </summary>
public sealed class RedisShardedSocketIOAdapterTests(RedisFixture redis) : RedisAdapterSpecification(redis), IClassFixture<RedisFixture>
{
    protected override bool AllRoomsSpansTheCluster => false;

    protected override ISocketIOAdapterFactory Connect() => RedisShardedSocketIOAdapterFactory.Connect(new RedisShardedSocketIOAdapterOptions
    {
        Configuration = Redis.Configuration,
        Key = Key,
        SubscriptionMode = RedisShardedSubscriptionMode.Static,
        RequestsTimeout = TimeSpan.FromSeconds(1),
    });
}

/// <summary>The dynamic subscription modes: a server subscribes to a room's channel while it has a socket in the room, and only then receives what is sent to the room.</summary>
public sealed class RedisShardedDynamicRoomsTests : IClassFixture<RedisFixture>
{
    private readonly RedisFixture _redis;

    public RedisShardedDynamicRoomsTests(RedisFixture redis) => _redis = redis;

    [Theory]
    [InlineData(RedisShardedSubscriptionMode.Dynamic)]
    [InlineData(RedisShardedSubscriptionMode.DynamicPrivate)]
    public async Task RoomChannel_SubscribedWhileTheRoomHasALocalSocket_BroadcastToTheRoomGoesThere(RedisShardedSubscriptionMode mode)
    {
        string key = "dyn-" + Guid.NewGuid().ToString("N")[..8];
        RedisShardedSocketIOAdapterOptions Options() => new() { Configuration = _redis.Redis.Configuration, Key = key, SubscriptionMode = mode };
        using RedisShardedSocketIOAdapterFactory factoryA = RedisShardedSocketIOAdapterFactory.Connect(Options());
        using RedisShardedSocketIOAdapterFactory factoryB = RedisShardedSocketIOAdapterFactory.Connect(Options());
        using var a = new ServerFixture(adapterFactory: factoryA);
        using var b = new ServerFixture(adapterFactory: factoryB);
        using ConnectionMultiplexer observer = await ConnectionMultiplexer.ConnectAsync(_redis.Redis.Configuration);
        var (client, socket) = await b.ConnectAsync();
        var (other, _) = await b.ConnectAsync();
        await WaitForSubscribersAsync(observer, key + "#/#", 2);

        socket.Join("lobby");
        await WaitForSubscribersAsync(observer, key + "#/#lobby#", 1);
        // The socket's own room has a channel only in "dynamic-private".
        Assert.Equal(mode == RedisShardedSubscriptionMode.DynamicPrivate ? 1 : 0, await SubscribersAsync(observer, key + "#/#" + socket.Id + "#"));
        a.Server.To("lobby").Emit("news", 1);

        Assert.Equal("42[\"news\",1]", await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        socket.Leave("lobby");
        await WaitForSubscribersAsync(observer, key + "#/#lobby#", 0);
        a.Server.To("lobby").Emit("news", 2);
        a.Server.To(socket.Id).Emit("direct");
        Assert.Equal("42[\"direct\"]", await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(client.HasNothingToReceive());
        Assert.True(other.HasNothingToReceive());
    }

    private static async Task<int> SubscribersAsync(ConnectionMultiplexer observer, string channel)
    {
        RedisResult result = await observer.GetDatabase().ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel);
        return (int)((RedisResult[])result!)[1];
    }

    private static async Task WaitForSubscribersAsync(ConnectionMultiplexer observer, string channel, int count)
    {
        for (int i = 0; i < 400 && await SubscribersAsync(observer, channel) != count; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(count, await SubscribersAsync(observer, channel));
    }
}
