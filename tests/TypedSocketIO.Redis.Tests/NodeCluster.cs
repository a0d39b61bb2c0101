using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Redis.Tests;

/// <summary>
/// One cluster on one real Redis: two of our servers (each its own host and connection to Redis) and one Node socket.io
/// 4.8.4 server with the official @socket.io/redis-adapter, and official JS clients (in the Node process) connected to each.
/// </summary>
public sealed class NodeCluster : IAsyncDisposable
{
    public static readonly string[] Clients = ["node-in", "node-out", "a-in", "a-out", "b-in", "b-out", "binary-voter"];
    public static readonly string[] InRoom = ["node-in", "a-in", "b-in"];

    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _replies = new();
    private readonly List<JsonElement> _received = [];
    private int _nextId;
    private NodeScript? _node;

    private NodeCluster(RedisServer redis, string key, LoopbackServer a, LoopbackServer b, ConcurrentQueue<(string Server, string Args)> serverSideEvents)
    {
        Redis = redis;
        Key = key;
        A = a;
        B = b;
        ServerSideEvents = serverSideEvents;
    }

    public RedisServer Redis { get; }

    public string Key { get; }

    public LoopbackServer A { get; }

    public LoopbackServer B { get; }

    public SocketIOServer IoA => A.Services.GetRequiredService<SocketIOServer>();

    public SocketIOServer IoB => B.Services.GetRequiredService<SocketIOServer>();

    /// <summary>Client name → socket id.</summary>
    public Dictionary<string, string> Sids { get; } = [];

    /// <summary>The URLs of the Node server, A and B.</summary>
    public string[] Urls { get; private set; } = [];

    /// <summary>Every server-side event <c>from-emitter</c> a server received: (server "A", "B" or "node", JSON of the arguments).</summary>
    public ConcurrentQueue<(string Server, string Args)> ServerSideEvents { get; }

    /// <summary>Which adapter every server of the cluster uses, .NET and Node alike.</summary>
    public ClusterAdapterKind Kind { get; private init; }

    /// <summary>The bound of the Node process's life (a cluster lives for one test).</summary>
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    public static async Task<NodeCluster> StartAsync(ClusterAdapterKind kind = ClusterAdapterKind.Classic, bool recovery = false)
    {
        RedisServer redis = await RedisServer.StartAsync();
        string key = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var serverSideEvents = new ConcurrentQueue<(string Server, string Args)>();
        LoopbackServer a = await StartDotNetAsync("A", redis, key, kind, recovery, serverSideEvents);
        LoopbackServer b = await StartDotNetAsync("B", redis, key, kind, recovery, serverSideEvents);

        var cluster = new NodeCluster(redis, key, a, b, serverSideEvents) { Kind = kind };
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster._node = NodeScript.Start(
            "redis-cluster.mjs",
            MaxLifetime,
            json => cluster.OnLine(json, ready),
            ["--redis", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--key", key, "--adapter", kind.ToString().ToLowerInvariant(), .. (recovery ? new[] { "--recovery" } : [])]);
        int nodePort;
        try
        {
            nodePort = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await cluster.DisposeAsync();
            throw new TimeoutException("redis-cluster.mjs did not say it was ready within 30 s.\n" + cluster.Describe());
        }

        await cluster.WaitForServerCountAsync(3);
        cluster.Urls = [$"http://127.0.0.1:{nodePort}", a.BaseAddress.TrimEnd('/'), b.BaseAddress.TrimEnd('/')];
        foreach (string name in Clients)
        {
            await cluster.ConnectAsync(name, name.EndsWith("-in", StringComparison.Ordinal) ? ["r"] : []);
        }

        if (kind == ClusterAdapterKind.Sharded)
        {
            // Subscription mode "dynamic": each server subscribes to the channel of room "r" once it has a socket in it.
            await cluster.WaitForShardedSubscribersAsync(key + "#/#r#", 3);
        }

        return cluster;
    }

    /// <summary>
    /// Connects one more official client named <paramref name="name"/>, to the Node server ("node…"), A ("a-…") or B (else),
    /// in <paramref name="rooms"/> of namespace <paramref name="ns"/> (reconnecting after a disconnection unless told not to);
    /// returns its socket id.
    /// </summary>
    public async Task<string> ConnectAsync(string name, string[] rooms, string ns = "/", bool reconnect = true)
    {
        string url = name.StartsWith("node", StringComparison.Ordinal) ? Urls[0] : name.StartsWith("a-", StringComparison.Ordinal) ? Urls[1] : Urls[2];
        JsonElement reply = await SendAsync(new JsonObject
        {
            ["cmd"] = "connect",
            ["url"] = url,
            ["nsp"] = ns == "/" ? null : ns,
            ["name"] = name,
            ["rooms"] = new JsonArray([.. rooms.Select(r => JsonValue.Create(r))]),
            ["reconnect"] = reconnect,
        });
        string sid = reply.GetProperty("sid").GetString()!;
        lock (Sids)
        {
            Sids[name] = sid;
        }

        return sid;
    }

    /// <summary>Sends a command to the Node process and returns its reply (fails on an error reply).</summary>
    public async Task<JsonElement> SendAsync(JsonObject command)
    {
        int id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[id] = reply;
        await _node!.SendAsync(command.ToJsonString());
        JsonElement result;
        try
        {
            result = await reply.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"node did not answer {command.ToJsonString()}\n{Describe()}");
        }

        if (result.TryGetProperty("error", out JsonElement error))
        {
            throw new InvalidOperationException($"node failed {command.ToJsonString()}: {error}\n{Describe()}");
        }

        return result;
    }

    /// <summary>The events the clients received so far, as (client, event name, raw JSON of the arguments).</summary>
    public List<(string Client, string Name, JsonElement Args)> Received()
    {
        lock (_received)
        {
            return [.. _received.Select(r => (r.GetProperty("client").GetString()!, r.GetProperty("name").GetString()!, r.GetProperty("args")))];
        }
    }

    /// <summary>Waits (bounded) until every client received event <paramref name="name"/> with first argument <paramref name="marker"/>.</summary>
    public async Task WaitForAllAsync(string name, string marker, IEnumerable<string> clients)
    {
        string[] expected = [.. clients];
        for (int i = 0; i < 400; i++)
        {
            var got = Received().Where(r => r.Name == name && r.Args.GetArrayLength() > 0 && r.Args[0].ValueKind == JsonValueKind.String && r.Args[0].GetString() == marker)
                .Select(r => r.Client).ToHashSet();
            if (expected.All(got.Contains))
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"not every client received {name} {marker}: {string.Join(", ", expected)}\n{Describe()}");
    }

    public async Task WaitForServerCountAsync(int count)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                if (await IoA.ServerCountAsync() == count && await IoB.ServerCountAsync() == count
                    && (await SendAsync(new JsonObject { ["cmd"] = "serverCount" })).GetProperty("count").GetInt32() == count)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or InvalidOperationException or TimeoutException)
            {
                // Redis is coming back.
            }

            await Task.Delay(50);
        }

        Assert.Fail($"the cluster never counted {count} servers\n{Describe()}");
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> servers subscribe to the sharded channel <paramref name="channel"/>.</summary>
    public async Task WaitForShardedSubscribersAsync(string channel, int count)
    {
        using StackExchange.Redis.ConnectionMultiplexer observer = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        int subscribers = 0;
        for (int i = 0; i < 600; i++)
        {
            StackExchange.Redis.RedisResult result = await observer.GetDatabase().ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel);
            subscribers = (int)((StackExchange.Redis.RedisResult[])result!)[1];
            if (subscribers == count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{channel} has {subscribers} sharded subscribers, not {count}\n{Describe()}");
    }

    public string Describe()
    {
        string[] lines;
        lock (_received)
        {
            lines = [.. _received.TakeLast(40).Select(r => r.GetRawText())];
        }

        return "--- node stderr ---\n" + string.Join('\n', _node?.StdErr ?? []) + "\n--- last received ---\n" + string.Join('\n', lines)
            + "\n--- server A log ---\n" + A.Logs.Tail() + "\n--- server B log ---\n" + B.Logs.Tail();
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        await A.DisposeAsync();
        await B.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private static Task<LoopbackServer> StartDotNetAsync(
        string name, RedisServer redis, string key, ClusterAdapterKind kind, bool recovery, ConcurrentQueue<(string Server, string Args)> serverSideEvents) => LoopbackServer.StartAsync(
        services =>
        {
            ISocketIOServerBuilder io = services.AddSocketIO(o => o.ConnectionStateRecovery = recovery ? new SocketIOConnectionStateRecoveryOptions() : null);
            switch (kind)
            {
                case ClusterAdapterKind.Streams:
                    // As the Node server of redis-cluster.mjs names them.
                    io.AddRedisStreamsAdapter(o =>
                    {
                        o.Configuration = redis.Configuration;
                        o.StreamName = key;
                        o.Key = key;
                        o.SessionKeyPrefix = key + ":session:";
                        o.RequestsTimeout = TimeSpan.FromSeconds(3);
                    });
                    break;
                case ClusterAdapterKind.Sharded:
                    io.AddRedisShardedAdapter(o =>
                    {
                        o.Configuration = redis.Configuration;
                        o.Key = key;
                        o.RequestsTimeout = TimeSpan.FromSeconds(3);
                    });
                    break;
                default:
                    io.AddRedisAdapter(o =>
                    {
                        o.Configuration = redis.Configuration;
                        o.Key = key;
                        o.RequestsTimeout = TimeSpan.FromSeconds(3);
                    });
                    break;
            }
        },
        app =>
        {
            SocketIOServer io = app.Services.GetRequiredService<SocketIOServer>();
            io.OnServerSideEvent("hello", (args, ack) =>
            {
                ack.Send($"{name} got {args.GetElement(0).GetString()}");
                return ValueTask.CompletedTask;
            });
            io.OnServerSideEvent("from-emitter", (args, _) =>
            {
                serverSideEvents.Enqueue((name, "[" + string.Join(",", Enumerable.Range(0, args.Count).Select(i => args.GetElement(i).GetRawText())) + "]"));
                return ValueTask.CompletedTask;
            });
            foreach (string path in new[] { "/", "/admin" })
            {
                app.MapSocketIO(path, ns => ns.OnConnection(socket =>
                {
                    JsonElement auth = socket.Handshake.Auth;
                    foreach (JsonElement room in auth.GetProperty("rooms").EnumerateArray())
                    {
                        socket.Join(room.GetString()!);
                    }

                    socket.Data = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["who"] = $"{name}:{auth.GetProperty("name").GetString()}" }, ClusterJson.Default.DictionaryStringString);
                }));
            }
        });

    private void OnLine(JsonElement json, TaskCompletionSource<int> ready)
    {
        if (!json.TryGetProperty("event", out JsonElement name) || name.ValueKind != JsonValueKind.String)
        {
            return;
        }

        switch (name.GetString())
        {
            case "ready":
                ready.TrySetResult(json.GetProperty("port").GetInt32());
                break;
            case "reply":
                if (_replies.TryRemove(json.GetProperty("id").GetInt32(), out TaskCompletionSource<JsonElement>? reply))
                {
                    reply.TrySetResult(json);
                }

                break;
            case "recv":
                lock (_received)
                {
                    _received.Add(json);
                }

                break;
            case "serverSide":
                ServerSideEvents.Enqueue(("node", json.GetProperty("args").GetRawText()));
                break;
        }
    }
}

/// <summary>
/// The adapter of a <see cref="NodeCluster"/>: the official <c>createAdapter</c> or <c>createShardedAdapter</c> of
/// @socket.io/redis-adapter, or @socket.io/redis-streams-adapter.
/// </summary>
public enum ClusterAdapterKind
{
    Classic,
    Sharded,
    Streams,
}

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, byte[]>))]
internal sealed partial class ClusterJson : JsonSerializerContext;
