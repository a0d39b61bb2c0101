using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Redis.Tests;

/// <summary>
/// Messages from Redis are untrusted: malformed, lying, oversized or too deep ones are logged and dropped, and the servers go
/// on. (Only our servers here: the official Node adapter does not guard its broadcast channel, a bad message there stops a
/// Node server.)
/// </summary>
public sealed class RedisUntrustedInputTests : IClassFixture<RedisFixture>
{
    private readonly RedisFixture _redis;

    public RedisUntrustedInputTests(RedisFixture redis) => _redis = redis;

    [Fact]
    public async Task BadMessages_AreLoggedAndDropped_TheClusterGoesOn()
    {
        string key = "bad-" + Guid.NewGuid().ToString("N")[..8];
        var logs = new TestLoggerProvider();
        using var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        RedisSocketIOAdapterOptions Options() => new() { Configuration = _redis.Redis.Configuration, Key = key, MaxMessageBytes = 64 * 1024 };
        using RedisSocketIOAdapterFactory factoryA = RedisSocketIOAdapterFactory.Connect(Options(), loggerFactory);
        using RedisSocketIOAdapterFactory factoryB = RedisSocketIOAdapterFactory.Connect(Options(), loggerFactory);
        using var a = new ServerFixture(adapterFactory: factoryA);
        using var b = new ServerFixture(adapterFactory: factoryB);
        var (client, socket) = await b.ConnectAsync();
        socket.Join("r");
        for (int i = 0; i < 200 && await a.Server.ServerCountAsync() < 2; i++)
        {
            await Task.Delay(25);
        }

        using ConnectionMultiplexer attacker = await ConnectionMultiplexer.ConnectAsync(_redis.Redis.Configuration);
        ISubscriber publisher = attacker.GetSubscriber();
        byte[][] garbage =
        [
            [0x93, 0xa1, 0x78], // an array of 3 that ends after one element
            [0xdd, 0x7f, 0xff, 0xff, 0xff], // a count of 2^31 elements in 5 bytes
            [0xc6, 0xff, 0xff, 0xff, 0xff, 0x00], // a 4 GiB bin in 6 bytes
            Encoding.UTF8.GetBytes("not msgpack at all"),
            [.. Enumerable.Repeat((byte)0x91, 10_000), 0xc0], // arrays nested 10 000 deep
            new byte[100_000], // more than MaxMessageBytes
            // [uid, {type: 3, data: [], nsp: "/"}, {}]: a packet type that cannot be broadcast
            [0x93, 0xa3, 0x78, 0x79, 0x7a, 0x83, 0xa4, 0x74, 0x79, 0x70, 0x65, 0x03, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x90, 0xa3, 0x6e, 0x73, 0x70, 0xa1, 0x2f, 0x80],
        ];
        foreach (byte[] message in garbage)
        {
            await publisher.PublishAsync(RedisChannel.Literal(key + "#/#"), message);
            await publisher.PublishAsync(RedisChannel.Literal(key + "#/#r#"), message);
            await publisher.PublishAsync(RedisChannel.Literal(key + "-request#/#"), message);
            await publisher.PublishAsync(RedisChannel.Literal(key + "-response#/#"), message);
        }

        await publisher.PublishAsync(RedisChannel.Literal(key + "-request#/#"), "{\"type\":5,\"requestId\":\"x\",\"opts\":42}");
        await publisher.PublishAsync(RedisChannel.Literal(key + "-request#/#"), "{\"type\":6,\"data\":{\"not\":\"an array\"}}");

        a.Server.To("r").Emit("still", "working");

        Assert.Equal("42[\"still\",\"working\"]", await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(socket.Connected);
        Assert.True(logs.Count("BadMessage") >= garbage.Length, $"{logs.Count("BadMessage")} bad messages logged");
    }

    [Fact]
    public async Task BadMessages_OnTheShardedChannels_AreLoggedAndDropped_TheClusterGoesOn()
    {
        string key = "bad-sharded-" + Guid.NewGuid().ToString("N")[..8];
        var logs = new TestLoggerProvider();
        using var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        RedisShardedSocketIOAdapterOptions Options() => new() { Configuration = _redis.Redis.Configuration, Key = key, MaxMessageBytes = 64 * 1024 };
        using RedisShardedSocketIOAdapterFactory factoryA = RedisShardedSocketIOAdapterFactory.Connect(Options(), loggerFactory);
        using RedisShardedSocketIOAdapterFactory factoryB = RedisShardedSocketIOAdapterFactory.Connect(Options(), loggerFactory);
        using var a = new ServerFixture(adapterFactory: factoryA);
        using var b = new ServerFixture(adapterFactory: factoryB);
        var (client, socket) = await b.ConnectAsync();
        socket.Join("r");
        using ConnectionMultiplexer attacker = await ConnectionMultiplexer.ConnectAsync(_redis.Redis.Configuration);
        for (int i = 0; i < 400 && (int)((RedisResult[])(await attacker.GetDatabase().ExecuteAsync("PUBSUB", "SHARDNUMSUB", key + "#/#r#"))!)[1] < 1; i++)
        {
            await Task.Delay(25);
        }

        ISubscriber publisher = attacker.GetSubscriber();
        string uidB = b.Server.MainNamespace.Adapter.ServerId;
        byte[][] garbage =
        [
            [0x83, 0xa4, 0x74, 0x79, 0x70, 0x65], // a map of 3 that ends after one key
            [0xdd, 0x7f, 0xff, 0xff, 0xff], // a count of 2^31 elements in 5 bytes
            [0xc6, 0xff, 0xff, 0xff, 0xff, 0x00], // a 4 GiB bin in 6 bytes
            Encoding.UTF8.GetBytes("{not json"),
            [.. Enumerable.Repeat((byte)0x91, 10_000), 0xc0], // arrays nested 10 000 deep
            new byte[100_000], // more than MaxMessageBytes
            Encoding.UTF8.GetBytes("""{"type":3,"data":{"packet":{"type":3,"data":[]},"opts":{}},"uid":"x","nsp":"/"}"""), // a packet type that cannot be broadcast
            Encoding.UTF8.GetBytes("""{"type":7,"data":{"requestId":"x","opts":42},"uid":"x","nsp":"/"}"""), // a fetch whose options are no object
            Encoding.UTF8.GetBytes("""{"type":"3","data":{},"uid":"x","nsp":"/"}"""), // a type that is no number
        ];
        foreach (byte[] message in garbage)
        {
            foreach (string channel in new[] { key + "#/#", key + "#/#r#", key + "#/#" + uidB + "#" })
            {
                await publisher.PublishAsync(RedisChannel.Sharded(channel), message);
            }
        }

        a.Server.To("r").Emit("still", "working");

        Assert.Equal("42[\"still\",\"working\"]", await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(socket.Connected);
        Assert.True(logs.Count("BadMessage") >= garbage.Length * 3, $"{logs.Count("BadMessage")} bad messages logged");
    }

    [Fact]
    public async Task BadEntriesInTheStream_AndBadMessagesOnItsChannels_AreLoggedAndDropped_TheClusterGoesOn()
    {
        string key = "bad-streams-" + Guid.NewGuid().ToString("N")[..8];
        var logs = new TestLoggerProvider();
        using var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        RedisStreamsSocketIOAdapterOptions Options() => new() { Configuration = _redis.Redis.Configuration, StreamName = key, Key = key, MaxMessageBytes = 64 * 1024 };
        using RedisStreamsSocketIOAdapterFactory factoryA = RedisStreamsSocketIOAdapterFactory.Connect(Options(), loggerFactory);
        using RedisStreamsSocketIOAdapterFactory factoryB = RedisStreamsSocketIOAdapterFactory.Connect(Options(), loggerFactory);
        using var a = new ServerFixture(adapterFactory: factoryA);
        using var b = new ServerFixture(adapterFactory: factoryB);
        var (client, socket) = await b.ConnectAsync();
        socket.Join("r");
        for (int i = 0; i < 200 && await a.Server.ServerCountAsync() < 2; i++)
        {
            await Task.Delay(25);
        }

        using ConnectionMultiplexer attacker = await ConnectionMultiplexer.ConnectAsync(_redis.Redis.Configuration);
        IDatabase db = attacker.GetDatabase();
        NameValueEntry[][] entries =
        [
            [new("nsp", "/"), new("uid", "x"), new("type", "three")], // a type that is no number
            [new("nsp", "/"), new("uid", "x"), new("type", "3"), new("data", "{not json")],
            [new("nsp", "/"), new("uid", "x"), new("type", "3"), new("data", "!!! not base64")],
            [new("nsp", "/"), new("uid", "x"), new("type", "3"), new("data", Convert.ToBase64String([0xdd, 0x7f, 0xff, 0xff, 0xff]))], // 2^31 elements in 5 bytes
            [new("nsp", "/"), new("uid", "x"), new("type", "3"), new("data", new string('{', 100_000))], // more than MaxMessageBytes
            [new("nsp", "/"), new("uid", "x"), new("type", "3"), new("data", """{"packet":{"type":3,"data":[]},"opts":{}}""")], // a packet type that cannot be broadcast
            [new("nsp", "/"), new("uid", "x"), new("type", "4"), new("data", """{"opts":42,"rooms":["x"]}""")], // a join whose options are no object
        ];
        foreach (NameValueEntry[] entry in entries)
        {
            await db.StreamAddAsync(key, entry);
        }

        string uidB = b.Server.MainNamespace.Adapter.ServerId;
        foreach (byte[] message in new byte[][] { [0x83, 0xa4, 0x74], [0xc6, 0xff, 0xff, 0xff, 0xff, 0x00], Encoding.UTF8.GetBytes("{\"type\":9,\"data\":{\"packet\":{\"not\":\"an array\"}},\"uid\":\"x\",\"nsp\":\"/\"}") })
        {
            await attacker.GetSubscriber().PublishAsync(RedisChannel.Literal(key + "#/#"), message);
            await attacker.GetSubscriber().PublishAsync(RedisChannel.Literal(key + "#/#" + uidB + "#"), message);
        }

        a.Server.To("r").Emit("still", "working");

        Assert.Equal("42[\"still\",\"working\"]", await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(socket.Connected);
        for (int i = 0; i < 200 && logs.Count("BadMessage") < entries.Length + 4; i++)
        {
            await Task.Delay(25);
        }

        Assert.True(logs.Count("BadMessage") >= entries.Length + 4, $"{logs.Count("BadMessage")} bad messages logged");
    }
}
