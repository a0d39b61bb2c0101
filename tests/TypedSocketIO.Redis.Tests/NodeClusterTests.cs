using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Redis.Tests;

public class NodeClusterFixture : IAsyncLifetime
{
    private readonly ClusterAdapterKind _kind;

    public NodeClusterFixture()
        : this(ClusterAdapterKind.Classic)
    {
    }

    protected NodeClusterFixture(ClusterAdapterKind kind) => _kind = kind;

    public NodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await NodeCluster.StartAsync(_kind);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public sealed class ShardedNodeClusterFixture() : NodeClusterFixture(ClusterAdapterKind.Sharded);

public sealed class StreamsNodeClusterFixture() : NodeClusterFixture(ClusterAdapterKind.Streams);

/// <summary>
/// One cluster of two of our servers and one Node socket.io 4.8.4 server with @socket.io/redis-adapter 8.3.0 on one real
/// Redis, official JS clients connected to each: the wire format is the official one, in both directions.
/// </summary>
public sealed class NodeClusterTests(NodeClusterFixture fixture) : NodeClusterSpecification(fixture.Cluster), IClassFixture<NodeClusterFixture>;

/// <summary>
/// The same with sharded pub/sub (Redis 7): our <see cref="RedisShardedSocketIOAdapter"/> and the official
/// <c>createShardedAdapter</c> (subscription mode "dynamic") in one cluster.
/// </summary>
public sealed class ShardedNodeClusterTests(ShardedNodeClusterFixture fixture) : NodeClusterSpecification(fixture.Cluster), IClassFixture<ShardedNodeClusterFixture>;

/// <summary>
/// The same on one Redis stream: our <see cref="RedisStreamsSocketIOAdapter"/> and the official
/// @socket.io/redis-streams-adapter 0.3.1 in one cluster.
/// </summary>
public sealed class StreamsNodeClusterTests(StreamsNodeClusterFixture fixture) : NodeClusterSpecification(fixture.Cluster), IClassFixture<StreamsNodeClusterFixture>;

/// <summary>What a cluster of two of our servers and one Node server must do, whichever adapter they share.</summary>
public abstract class NodeClusterSpecification
{
    // JSON.stringify of what every receiver must see, whichever server sent it.
    internal const string ExpectedValues = """[42,1.5,"é😀 \"q\"\n",{"b":{"$bin":[1,2,3]}},null,true,[1e-7,-0.5,123456789012,2.5e-10,9007199254740991]]""";

    private readonly NodeCluster _c;

    protected NodeClusterSpecification(NodeCluster cluster) => _c = cluster;

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("node")]
    public async Task BroadcastToRoom_FromAnyNode_ReachesExactlyTheRoomOnEveryNode_Once_WithTheSameValues(string origin)
    {
        string marker = "room-from-" + origin;
        await BroadcastAsync(origin, "r", marker);
        await BroadcastAsync(origin, null, "end-" + origin);
        await _c.WaitForAllAsync("news", "end-" + origin, NodeCluster.Clients);

        var got = _c.Received().Where(r => r.Name == "news" && r.Args[0].GetString() == marker).ToList();
        Assert.Equal(NodeCluster.InRoom.Order(), got.Select(r => r.Client).Order());
        foreach (var (client, _, args) in got)
        {
            // After the marker: the values, binary nested in an object included, exactly as sent.
            Assert.Equal(ExpectedValues, Shape(args));
        }
    }

    [Fact]
    public async Task FetchSockets_FromDotNet_SeesNodeAndDotNetSockets_AndRemoteSocketsAreUsable()
    {
        IReadOnlyList<ISocketIORemoteSocket> sockets = await _c.IoA.In("r").FetchSocketsAsync();

        Assert.Equal(NodeCluster.InRoom.Select(n => _c.Sids[n]).Order(), sockets.Select(s => s.Id).Order());
        ISocketIORemoteSocket node = sockets.Single(s => s.Id == _c.Sids["node-in"]);
        Assert.Equal("node:node-in", ((JsonElement)node.Data!).GetProperty("who").GetString());
        Assert.Equal("node-in", node.Handshake.Auth.GetProperty("name").GetString());
        Assert.Contains("r", node.Rooms);
        ISocketIORemoteSocket b = sockets.Single(s => s.Id == _c.Sids["b-in"]);
        Assert.Equal("B:b-in", ((JsonElement)b.Data!).GetProperty("who").GetString());

        foreach (ISocketIORemoteSocket socket in sockets)
        {
            socket.Emit("direct", "from-A");
        }

        await _c.WaitForAllAsync("direct", "from-A", NodeCluster.InRoom);
        node.Join("joined-by-A");
        IReadOnlyList<ISocketIORemoteSocket> joined = await PollAsync(() => _c.IoB.In("joined-by-A").FetchSocketsAsync(), s => s.Count == 1);
        Assert.Equal(_c.Sids["node-in"], joined.Single().Id);
    }

    [Fact]
    public async Task FetchSockets_FromNode_SeesDotNetSockets_AndEmitsToThem()
    {
        JsonElement reply = await _c.SendAsync(new JsonObject { ["cmd"] = "fetch", ["room"] = "r", ["emit"] = "direct-node" });

        JsonElement[] sockets = [.. reply.GetProperty("sockets").EnumerateArray()];
        Assert.Equal(NodeCluster.InRoom.Select(n => _c.Sids[n]).Order(), sockets.Select(s => s.GetProperty("id").GetString()).Order());
        JsonElement a = sockets.Single(s => s.GetProperty("id").GetString() == _c.Sids["a-in"]);
        Assert.Equal("A:a-in", a.GetProperty("data").GetProperty("who").GetString());
        Assert.Equal("a-in", a.GetProperty("auth").GetProperty("name").GetString());
        Assert.Equal(new[] { _c.Sids["a-in"], "r" }.Order(StringComparer.Ordinal), a.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal));
        await _c.WaitForAllAsync("direct-node", "from node", NodeCluster.InRoom);
    }

    [Fact]
    public async Task ServerSideEmitWithAck_BothDirections()
    {
        IReadOnlyList<JsonElement> fromA = await _c.IoA.ServerSideEmitWithAckAsync("hello", ["x"]);
        JsonElement fromNode = await _c.SendAsync(new JsonObject { ["cmd"] = "serverSideEmitWithAck", ["arg"] = "y" });

        Assert.Equal(["B got x", "node got x"], fromA.Select(e => e.GetString()).Order());
        Assert.Equal(["A got y", "B got y"], fromNode.GetProperty("responses").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public async Task BroadcastWithAck_FromDotNetAndFromNode_CollectsEveryClientsAnswer()
    {
        IReadOnlyList<SocketIOArguments> fromA = await _c.IoA.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("vote");
        JsonElement fromNode = await _c.SendAsync(new JsonObject { ["cmd"] = "broadcastWithAck", ["name"] = "vote" });

        string[] names = [.. NodeCluster.Clients.Where(n => n != "binary-voter").Order()];
        Assert.Equal(names, fromA.Where(r => r.GetKind(0) == JsonValueKind.String).Select(r => r.GetElement(0).GetString()).Order());
        SocketIOArguments binary = Assert.Single(fromA, r => r.GetKind(0) == JsonValueKind.Object);
        Assert.Equal("binary-voter", binary.GetElement(0).GetProperty("name").GetString());
        Assert.Equal(new byte[] { 7, 7 }, binary.Attachments.Single().ToArray());

        JsonElement[] responses = [.. fromNode.GetProperty("responses").EnumerateArray()];
        Assert.Equal(names, responses.Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()).Order());
        Assert.Equal("""{"name":"binary-voter","bin":{"$bin":[7,7]}}""", responses.Single(r => r.ValueKind == JsonValueKind.Object).GetRawText());
    }

    internal static async Task BroadcastAsync(NodeCluster c, string origin, string? room, string marker)
    {
        if (origin == "node")
        {
            await c.SendAsync(new JsonObject { ["cmd"] = "broadcast", ["room"] = room, ["name"] = "news", ["args"] = ValuesNode(marker) });
            return;
        }

        SocketIOServer io = origin == "A" ? c.IoA : c.IoB;
        SocketIOBroadcastOperator target = room is null ? io.MainNamespace.CreateOperator() : io.To(room);
        target.Emit("news", marker, WriteValues);
    }

    /// <summary>The marker, then the values of <see cref="ExpectedValues"/>.</summary>
    internal static void WriteValues(SocketIOPacketWriter w, string marker)
    {
        w.WriteArgument(marker);
        w.WriteArgument(42);
        w.WriteArgument(1.5);
        w.WriteArgument("é😀 \"q\"\n");
        w.WriteArgument(new Dictionary<string, byte[]> { ["b"] = [1, 2, 3] }, ClusterJson.Default.DictionaryStringByteArray);
        w.WriteArgument(null);
        w.WriteArgument(true);
        w.WriteRawJson("[1e-7,-0.5,123456789012,2.5e-10,9007199254740991]"u8);
    }

    /// <summary>The arguments of <see cref="WriteValues"/> as the Node script's command takes them.</summary>
    internal static JsonNode ValuesNode(string marker) =>
        JsonNode.Parse("[" + JsonSerializer.Serialize(marker, ClusterJson.Default.String) + "," + ExpectedValues[1..])!;

    private Task BroadcastAsync(string origin, string? room, string marker) => BroadcastAsync(_c, origin, room, marker);

    /// <summary>The arguments after the marker, each exactly as JSON.stringify wrote it on the receiving client.</summary>
    internal static string Shape(JsonElement args) =>
        "[" + string.Join(",", args.EnumerateArray().Skip(1).Select(e => e.GetRawText())) + "]";

    private static async Task<T> PollAsync<T>(Func<ValueTask<T>> get, Func<T, bool> done)
    {
        T value = await get();
        for (int i = 0; i < 200 && !done(value); i++)
        {
            await Task.Delay(25);
            value = await get();
        }

        return value;
    }
}
