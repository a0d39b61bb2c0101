using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using TypedSocketIO.Server;
using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Redis.Tests;

/// <summary>
/// Emitters without a server, both ways, in one cluster of two of our servers and a Node socket.io server with
/// @socket.io/redis-adapter (official clients on each): the official @socket.io/redis-emitter 5.1.0 ("node") and our
/// <see cref="RedisSocketIOEmitter"/> ("dotnet") make the same calls and every server honours them.
/// </summary>
public sealed class RedisEmitterTests : IClassFixture<NodeClusterFixture>
{
    private readonly NodeCluster _c;

    public RedisEmitterTests(NodeClusterFixture fixture) => _c = fixture.Cluster;

    /// <summary>One call of an emitter: what both emitters are asked to do.</summary>
    /// <param name="Plain">The marker alone; otherwise the marker and the values of <see cref="NodeClusterSpecification.ExpectedValues"/>.</param>
    private sealed record Call(
        string Op, string? Nsp = null, string[]? To = null, string[]? Except = null, bool Volatile = false, string? Name = null, string? Marker = null,
        string[]? Rooms = null, bool Close = false, string? Key = null, bool Plain = false);

    [Theory]
    [InlineData("node")]
    [InlineData("dotnet")]
    public async Task Emit_ToAllToARoomAndExcept_ReachesExactlyTheSelectedClientsOnEveryServer_WithTheSameValues(string emitter)
    {
        await EmitAsync(emitter, new Call("emit", Name: "news", Marker: "all-" + emitter));
        await EmitAsync(emitter, new Call("emit", To: ["r"], Name: "news", Marker: "room-" + emitter));
        await EmitAsync(emitter, new Call("emit", To: ["r"], Except: [_c.Sids["a-in"]], Name: "news", Marker: "except-" + emitter));
        await EmitAsync(emitter, new Call("emit", Name: "news", Marker: "end-" + emitter));
        await _c.WaitForAllAsync("news", "end-" + emitter, NodeCluster.Clients);

        Assert.Equal(NodeCluster.Clients.Order(), Receivers("all-" + emitter));
        Assert.Equal(NodeCluster.InRoom.Order(), Receivers("room-" + emitter));
        Assert.Equal(["b-in", "node-in"], Receivers("except-" + emitter));
        foreach (var (_, _, args) in _c.Received().Where(r => r.Name == "news" && r.Args[0].GetString()!.EndsWith("-" + emitter, StringComparison.Ordinal)))
        {
            // Binary nested in an object, unicode, numbers: as sent, on Node's clients and ours alike.
            Assert.Equal(NodeClusterSpecification.ExpectedValues, NodeClusterSpecification.Shape(args));
        }
    }

    [Theory]
    [InlineData("node")]
    [InlineData("dotnet")]
    public async Task Emit_ToANamespace_ReachesThatNamespaceOnly(string emitter)
    {
        string[] admins = ["node-admin-" + emitter, "a-admin-" + emitter, "b-admin-" + emitter];
        foreach (string name in admins)
        {
            await _c.ConnectAsync(name, ["staff-" + emitter], "/admin");
        }

        await EmitAsync(emitter, new Call("emit", Nsp: "/admin", Name: "memo", Marker: "admin-" + emitter));
        await EmitAsync(emitter, new Call("emit", Nsp: "admin", To: ["staff-" + emitter], Name: "memo", Marker: "staff-" + emitter));
        await _c.WaitForAllAsync("memo", "staff-" + emitter, admins);
        await EmitAsync(emitter, new Call("emit", Name: "news", Marker: "end-ns-" + emitter));
        await _c.WaitForAllAsync("news", "end-ns-" + emitter, NodeCluster.Clients);

        // Every client of /admin (those of the other case too), and no client of /.
        Assert.Subset(Receivers("admin-" + emitter, "memo").ToHashSet(), admins.ToHashSet());
        Assert.All(Receivers("admin-" + emitter, "memo"), name => Assert.Contains("-admin-", name, StringComparison.Ordinal));
        Assert.Equal(admins.Order(), Receivers("staff-" + emitter, "memo"));
        Assert.DoesNotContain(_c.Received(), r => admins.Contains(r.Client) && r.Name == "news");
    }

    [Theory]
    [InlineData("node")]
    [InlineData("dotnet")]
    public async Task Emit_Volatile_IsDroppedByOurServerForAClientThatCannotTakeIt(string emitter)
    {
        // One more of our servers in the cluster, with in-memory clients whose transport can refuse volatile packets.
        using RedisSocketIOAdapterFactory factory = RedisSocketIOAdapterFactory.Connect(new RedisSocketIOAdapterOptions { Configuration = _c.Redis.Configuration, Key = _c.Key });
        using var server = new ServerFixture(adapterFactory: factory);
        var (ready, _) = await server.ConnectAsync();
        var (busy, _) = await server.ConnectAsync();
        busy.Transport.Writable = false;
        await ((RedisSocketIOAdapter)server.Server.MainNamespace.Adapter).Subscribed;

        await EmitAsync(emitter, new Call("emit", Volatile: true, Name: "tick", Marker: "volatile", Plain: true));
        await EmitAsync(emitter, new Call("emit", Name: "tick", Marker: "kept", Plain: true));

        // One channel, in order: once the busy client has the second, it would have had the first.
        Assert.Equal("42[\"tick\",\"volatile\"]", await NextAsync(ready));
        Assert.Equal("42[\"tick\",\"kept\"]", await NextAsync(ready));
        Assert.Equal("42[\"tick\",\"kept\"]", await NextAsync(busy));
        Assert.True(busy.HasNothingToReceive());
    }

    [Theory]
    [InlineData("node")]
    [InlineData("dotnet")]
    public async Task ServerSideEmit_ReachesEveryServer(string emitter)
    {
        string marker = "sse-" + emitter;
        await EmitAsync(emitter, new Call("serverSideEmit", Name: "from-emitter", Marker: marker));

        string expected = "[\"" + marker + "\",42,{\"k\":[true,null]}]";
        for (int i = 0; i < 400 && _c.ServerSideEvents.Count(e => e.Args == expected) < 3; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(["A", "B", "node"], _c.ServerSideEvents.Where(e => e.Args == expected).Select(e => e.Server).Order());
    }

    [Theory]
    [InlineData("node")]
    [InlineData("dotnet")]
    public async Task SocketsJoinAndSocketsLeave_ReachEveryServer(string emitter)
    {
        string room = "joined-" + emitter;
        await EmitAsync(emitter, new Call("socketsJoin", To: ["r"], Rooms: [room, "also-" + emitter]));
        IReadOnlyList<ISocketIORemoteSocket> joined = await PollAsync(room, n => n == 3);
        Assert.Equal(NodeCluster.InRoom.Select(n => _c.Sids[n]).Order(), joined.Select(s => s.Id).Order());

        await EmitAsync(emitter, new Call("socketsLeave", To: [room], Except: [_c.Sids["a-in"]], Rooms: [room]));
        IReadOnlyList<ISocketIORemoteSocket> left = await PollAsync(room, n => n == 1);
        Assert.Equal(_c.Sids["a-in"], Assert.Single(left).Id);
        Assert.Equal(3, (await _c.IoB.In("also-" + emitter).FetchSocketsAsync()).Count);
    }

    [Theory]
    [InlineData("node", false)]
    [InlineData("dotnet", false)]
    [InlineData("node", true)]
    [InlineData("dotnet", true)]
    public async Task DisconnectSockets_DisconnectsTheSelectedClientsOnEveryServer(string emitter, bool close)
    {
        string suffix = emitter + "-" + close;
        string[] victims = ["node-victim-" + suffix, "a-victim-" + suffix, "b-victim-" + suffix];
        string victimRoom = "victims-" + suffix;
        foreach (string name in victims)
        {
            await _c.ConnectAsync(name, [victimRoom], reconnect: false);
        }

        string spared = await _c.ConnectAsync("a-spared-" + suffix, [victimRoom, "spared"]);

        await EmitAsync(emitter, new Call("disconnectSockets", To: [victimRoom], Except: ["spared"], Close: close));

        // With close or without, the client is told first (as Node's servers do it): "io server disconnect".
        const string reason = "io server disconnect";
        for (int i = 0; i < 400 && Disconnected(victims).Count < victims.Length; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(victims.Order(), Disconnected(victims).Select(d => d.Client).Order());
        Assert.All(Disconnected(victims), d => Assert.Equal(reason, d.Reason));
        Assert.Equal(spared, Assert.Single(await _c.IoA.In(victimRoom).FetchSocketsAsync()).Id);
    }

    [Fact]
    public async Task DotNetEmitter_PublishesTheSameBytesAsTheOfficialEmitter_OnTheSameChannels()
    {
        // A key no server listens on: only the two emitters and this subscriber.
        string key = "bytes-" + Guid.NewGuid().ToString("N")[..8];
        using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_c.Redis.Configuration);
        var published = new List<(string Channel, byte[] Message)>();
        ChannelMessageQueue queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Pattern(key + "*"));
        queue.OnMessage(m =>
        {
            lock (published)
            {
                published.Add((m.Channel.ToString(), (byte[])m.Message!));
            }
        });
        Call[] calls =
        [
            new("emit", Name: "news", Marker: "m"),
            new("emit", To: ["r"], Name: "news", Marker: "m"),
            new("emit", To: ["r", "s", "r"], Except: ["x", "y"], Volatile: true, Name: "news", Marker: "m"),
            new("emit", Nsp: "admin", To: ["salle é"], Name: "memo", Marker: "m"),
            new("socketsJoin", To: ["r"], Except: ["x"], Rooms: ["j1", "j2"]),
            new("socketsLeave", Nsp: "/admin", Rooms: ["j1"]),
            new("disconnectSockets", To: ["r"], Close: true),
            new("disconnectSockets"),
            new("serverSideEmit", Name: "from-emitter", Marker: "m"),
        ];

        foreach (string emitter in new[] { "node", "dotnet" })
        {
            foreach (Call call in calls)
            {
                await EmitAsync(emitter, call with { Key = key });
            }

            int expected = emitter == "node" ? calls.Length : 2 * calls.Length;
            for (int i = 0; i < 400 && Count() < expected; i++)
            {
                await Task.Delay(25);
            }

            Assert.Equal(expected, Count());
        }

        for (int i = 0; i < calls.Length; i++)
        {
            var (nodeChannel, nodeMessage) = published[i];
            var (ourChannel, ourMessage) = published[calls.Length + i];
            Assert.Equal(nodeChannel, ourChannel);
            Assert.True(nodeMessage.AsSpan().SequenceEqual(ourMessage), $"{calls[i]}:\nnode   {Convert.ToHexString(nodeMessage)}\ndotnet {Convert.ToHexString(ourMessage)}");
        }

        int Count()
        {
            lock (published)
            {
                return published.Count;
            }
        }
    }

    [Fact]
    public async Task TypedEmitter_SendsTheContractsEvents_AndRefusesAcknowledgements()
    {
        using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_c.Redis.Configuration);
        var emitter = new RedisSocketIOEmitter(redis, new RedisSocketIOEmitterOptions { Key = _c.Key, JsonSerializerOptions = EmitterJson.Default.Options });

        emitter.To("r").As<IEmitterClient>().Emit.Headline("typed", new EmitterItem("x", 1), [9, 8]);
        await emitter.EmitAsync("news", "end-typed");
        await _c.WaitForAllAsync("news", "end-typed", NodeCluster.Clients);

        var got = _c.Received().Where(r => r.Name == "headline").ToList();
        Assert.Equal(NodeCluster.InRoom.Order(), got.Select(r => r.Client).Order());
        Assert.All(got, r => Assert.Equal("""["typed",{"name":"x","count":1},{"$bin":[9,8]}]""", r.Args.GetRawText()));
        await Assert.ThrowsAsync<NotSupportedException>(() => emitter.As<IEmitterClient>().Emit.Confirm());
    }

    [Fact]
    public async Task Emitter_RefusesReservedEventNamesBinaryServerSideArgumentsAndABadKey()
    {
        using ConnectionMultiplexer redis = ConnectionMultiplexer.Connect(_c.Redis.Configuration);
        var emitter = new RedisSocketIOEmitter(redis);

        await Assert.ThrowsAsync<ArgumentException>(() => emitter.EmitAsync("disconnect"));
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new RedisSocketIOEmitter(redis, new RedisSocketIOEmitterOptions { Key = "a#b" }));
        await Assert.ThrowsAsync<ArgumentException>(() => emitter.ServerSideEmitAsync("x", new byte[] { 1 }));
        Assert.Equal("/admin", emitter.Of("admin").Namespace);
        Assert.Equal(["a", "b"], emitter.To("a").To(["b", "a"]).Rooms);
    }

    /// <summary>Makes the same call with the official emitter (in the Node process) or ours.</summary>
    private async Task EmitAsync(string emitter, Call call)
    {
        if (emitter == "node")
        {
            JsonNode? args = call.Marker is null ? null
                : call.Op == "serverSideEmit" ? ServerSideArgs(call.Marker)
                : call.Plain ? new JsonArray(JsonValue.Create(call.Marker)) : NodeClusterSpecification.ValuesNode(call.Marker);
            await _c.SendAsync(new JsonObject
            {
                ["cmd"] = "emitter",
                ["key"] = call.Key,
                ["op"] = call.Op,
                ["nsp"] = call.Nsp,
                ["to"] = Strings(call.To),
                ["except"] = Strings(call.Except),
                ["volatile"] = call.Volatile,
                ["name"] = call.Name,
                ["args"] = args,
                ["rooms"] = Strings(call.Rooms),
                ["close"] = call.Close,
            });
            return;
        }

        using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(_c.Redis.Configuration);
        RedisSocketIOEmitter target = new(redis, new RedisSocketIOEmitterOptions { Key = call.Key ?? _c.Key });
        if (call.Nsp is not null)
        {
            target = target.Of(call.Nsp);
        }

        if (call.Op == "serverSideEmit")
        {
            await target.ServerSideEmitAsync(call.Name!, call.Marker, 42, JsonNode.Parse("""{"k":[true,null]}"""));
            return;
        }

        foreach (string room in call.To ?? [])
        {
            target = target.To(room);
        }

        foreach (string room in call.Except ?? [])
        {
            target = target.Except(room);
        }

        if (call.Volatile)
        {
            target = target.Volatile;
        }

        switch (call.Op)
        {
            case "emit" when call.Plain:
                await target.EmitAsync(call.Name!, call.Marker);
                break;
            case "emit":
                await target.EmitAsync(call.Name!, call.Marker!, NodeClusterSpecification.WriteValues);
                break;
            case "socketsJoin":
                await target.SocketsJoinAsync(call.Rooms!);
                break;
            case "socketsLeave":
                await target.SocketsLeaveAsync(call.Rooms!);
                break;
            default:
                await target.DisconnectSocketsAsync(call.Close);
                break;
        }
    }

    private static JsonArray ServerSideArgs(string marker) => new JsonArray(JsonValue.Create(marker), JsonValue.Create(42), JsonNode.Parse("""{"k":[true,null]}"""));

    private static JsonArray? Strings(string[]? values) => values is null ? null : new JsonArray([.. values.Select(v => JsonValue.Create(v))]);

    private string[] Receivers(string marker, string name = "news") =>
        [.. _c.Received().Where(r => r.Name == name && r.Args[0].GetString() == marker).Select(r => r.Client).Order()];

    private List<(string Client, string Reason)> Disconnected(string[] clients) =>
        [.. _c.Received().Where(r => r.Name == "$disconnect" && clients.Contains(r.Client)).Select(r => (r.Client, r.Args[0].GetString()!))];

    private async Task<IReadOnlyList<ISocketIORemoteSocket>> PollAsync(string room, Func<int, bool> done)
    {
        IReadOnlyList<ISocketIORemoteSocket> sockets = await _c.IoA.In(room).FetchSocketsAsync();
        for (int i = 0; i < 200 && !done(sockets.Count); i++)
        {
            await Task.Delay(25);
            sockets = await _c.IoA.In(room).FetchSocketsAsync();
        }

        return sockets;
    }

    private static async Task<string> NextAsync(TestClient client) => await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
}

/// <summary>Events a typed emitter sends.</summary>
[SocketIOContract(JsonContext = typeof(EmitterJson))]
public interface IEmitterClient
{
    void Headline(string marker, EmitterItem item, byte[] payload);

    Task<bool> Confirm();
}

public sealed record EmitterItem(string Name, int Count);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(EmitterItem))]
public sealed partial class EmitterJson : System.Text.Json.Serialization.JsonSerializerContext;
