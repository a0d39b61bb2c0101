using TypedSocketIO.Server;
using TypedSocketIO.Server.Tests;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Redis.Tests;

/// <summary>
/// Connection state recovery on the Redis adapters against emits racing the disconnect and the reconnect (<see cref="RecoveryRace"/>):
/// the Streams adapter, whose snapshot is a read of the stream while the broadcasts keep arriving, with the emits made on the
/// same server and on another one; and the classic adapter, which keeps the packets in each server's memory.
/// </summary>
public sealed class RedisRecoveryRaceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private readonly string _key = "race-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Streams_EmitsOnTheSameServer_RacingDisconnectsAndReconnects_EveryPacketOnce_InOffsetOrder()
    {
        using RedisStreamsSocketIOAdapterFactory factory = Streams();
        using ServerFixture fixture = Recovering(factory);
        await ((RedisClusterSocketIOAdapter)fixture.Server.MainNamespace.Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));

        await RecoveryRace.RunAsync(fixture, rounds: 100, seed: 16);
    }

    [Fact]
    public async Task Streams_EmitsOnAnotherServer_RacingDisconnectsAndReconnects_EveryPacketOnce_InOffsetOrder()
    {
        using RedisStreamsSocketIOAdapterFactory factoryA = Streams(), factoryB = Streams();
        using ServerFixture a = Recovering(factoryA), b = Recovering(factoryB);
        await ((RedisClusterSocketIOAdapter)a.Server.MainNamespace.Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        await ((RedisClusterSocketIOAdapter)b.Server.MainNamespace.Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));

        await RecoveryRace.RunAsync(a, rounds: 100, seed: 17, emitter: b.Server);
    }

    [Fact]
    public async Task Streams_EmitAfterTheSnapshot_BeforeTheSocketCanBeFound_ArrivesOnce_AfterTheMissedOnes()
    {
        using RedisStreamsSocketIOAdapterFactory factory = Streams();
        using ServerFixture fixture = Recovering(factory, skipMiddlewares: false);
        await ((RedisClusterSocketIOAdapter)fixture.Server.MainNamespace.Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        TestClient? watcher = null;
        fixture.Server.MainNamespace.Use(async (socket, _) =>
        {
            if (socket.Recovered)
            {
                // The stream was read; the socket is not in the namespace yet. Once another client has the packet, this server
                // has delivered it to every socket it could find.
                fixture.Server.Emit("n", 100);
                while (!(await Next(watcher!)).StartsWith("42[\"n\",100,", StringComparison.Ordinal))
                {
                }
            }
        });
        watcher = fixture.CreateClient();
        await watcher.SendAsync("40");
        await Next(watcher);
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");
        string answer = await Next(client);
        string sid = Field(answer, "sid"), pid = Field(answer, "pid");
        fixture.Server.Emit("n", 1);
        string first = await Next(client);
        Assert.StartsWith("42[\"n\",1,", first, StringComparison.Ordinal);
        await client.CloseFromEngineAsync("transport close");
        fixture.Server.Emit("n", 2);

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{first[(first.LastIndexOf(',') + 2)..^2]}\"}}");

        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await Next(back));
        Assert.StartsWith("42[\"n\",2,", await Next(back), StringComparison.Ordinal);
        Assert.StartsWith("42[\"n\",100,", await Next(back), StringComparison.Ordinal);

        // Nothing twice: a marker sent last arrives next.
        fixture.Server.Emit("marker");
        Assert.StartsWith("42[\"marker\",", await Next(back), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classic_EmitsRacingDisconnectsAndReconnects_EveryPacketOnce_InOffsetOrder()
    {
        using RedisSocketIOAdapterFactory factory = RedisSocketIOAdapterFactory.Connect(new RedisSocketIOAdapterOptions
        {
            Configuration = redis.Redis.Configuration,
            Key = _key,
            RequestsTimeout = TimeSpan.FromSeconds(1),
        });
        using ServerFixture fixture = Recovering(factory);
        await ((RedisSocketIOAdapter)fixture.Server.MainNamespace.Adapter).Subscribed.WaitAsync(TimeSpan.FromSeconds(30));

        await RecoveryRace.RunAsync(fixture, rounds: 200, seed: 18);
    }

    private RedisStreamsSocketIOAdapterFactory Streams() => RedisStreamsSocketIOAdapterFactory.Connect(new RedisStreamsSocketIOAdapterOptions
    {
        Configuration = redis.Redis.Configuration,
        StreamName = _key,
        Key = _key,
        SessionKeyPrefix = _key + ":session:",
        RequestsTimeout = TimeSpan.FromSeconds(1),
    });

    private static ServerFixture Recovering(ISocketIOAdapterFactory factory, bool skipMiddlewares = true) =>
        new(o => o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions { SkipMiddlewares = skipMiddlewares }, factory);

    private static async Task<string> Next(TestClient client) => await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(30));

    private static string Field(string connectAnswer, string name)
    {
        int start = connectAnswer.IndexOf("\"" + name + "\":\"", StringComparison.Ordinal) + name.Length + 4;
        return connectAnswer[start..connectAnswer.IndexOf('"', start)];
    }
}
