using System.Text.Json;
using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// "Two servers, one backplane": what every cluster adapter must do on top of <see cref="SocketIOAdapterSpecification"/>,
/// with two servers whose adapters share one backplane (the Redis adapter on one real Redis). The in-memory adapter has no
/// backplane, so it runs only the single-server part.
/// </summary>
public abstract class SocketIOClusterAdapterSpecification : SocketIOAdapterSpecification
{
    /// <summary>A factory for one more server of the cluster under test (each call: a new server, same backplane).</summary>
    protected abstract ISocketIOAdapterFactory CreateClusterMemberFactory();

    /// <summary>
    /// Whether <see cref="ISocketIOAdapter.AllRoomsAsync"/> asks the other servers (the classic Redis adapter); the adapters of
    /// the official <c>ClusterAdapter</c> protocol (sharded pub/sub, Streams) answer with this server's rooms only.
    /// </summary>
    protected virtual bool AllRoomsSpansTheCluster => true;

    /// <summary>Completes once <paramref name="server"/>'s adapter sees <paramref name="servers"/> servers (subscriptions are asynchronous).</summary>
    protected static async Task WaitForServersAsync(SocketIOServer server, int servers, string ns = "/")
    {
        for (int i = 0; i < 200; i++)
        {
            if (await server.Of(ns).ServerCountAsync() >= servers)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"the cluster never reached {servers} servers (it has {await server.Of(ns).ServerCountAsync()})");
    }

    private async Task<Cluster> TwoServersAsync(Action<SocketIOServerOptions>? configure = null, params string[] namespaces)
    {
        var a = new ServerFixture(configure, CreateClusterMemberFactory());
        var b = new ServerFixture(configure, CreateClusterMemberFactory());
        foreach (string ns in namespaces)
        {
            a.Server.Of(ns);
            b.Server.Of(ns);
        }

        await WaitForServersAsync(a.Server, 2);
        await WaitForServersAsync(b.Server, 2);
        foreach (string ns in namespaces)
        {
            await WaitForServersAsync(a.Server, 2, ns);
            await WaitForServersAsync(b.Server, 2, ns);
        }

        return new Cluster(a, b);
    }

    /// <summary>Waits until a frame arrives or a bounded time passes (messages cross the backplane asynchronously).</summary>
    private static async Task<string> NextAsync(TestClient client) => await client.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>A round trip through the backplane: once B has seen a marker broadcast from A, everything A sent before it has arrived.</summary>
    private static async Task FlushAsync(Cluster c, TestClient onB)
    {
        c.A.Server.To("flush-marker").Emit("flush");
        Assert.Equal("42[\"flush\"]", await NextAsync(onB));
    }

    [Fact]
    public async Task Cluster_BroadcastToRoom_ReachesExactlyTheMembersOnBothServers_Once()
    {
        using Cluster c = await TwoServersAsync();
        var (a1, s1) = await c.A.ConnectAsync();
        var (a2, _) = await c.A.ConnectAsync();
        var (b1, t1) = await c.B.ConnectAsync();
        var (b2, t2) = await c.B.ConnectAsync();
        s1.Join("lobby");
        t1.Join("lobby");
        t2.Join("flush-marker");

        c.A.Server.To("lobby").Emit("news", 1, "x");
        c.B.Server.To("lobby").Emit("from-b");

        Assert.Equal("42[\"news\",1,\"x\"]", await NextAsync(a1));
        // On B, its own broadcast is delivered at once and A's when it crosses the backplane: either may come first.
        Assert.Equal(["42[\"from-b\"]", "42[\"news\",1,\"x\"]"], new[] { await NextAsync(b1), await NextAsync(b1) }.Order());
        Assert.Equal("42[\"from-b\"]", await NextAsync(a1));
        await FlushAsync(c, b2);
        Assert.True(a1.HasNothingToReceive());
        Assert.True(b1.HasNothingToReceive());
        Assert.True(a2.HasNothingToReceive());
        Assert.True(b2.HasNothingToReceive());
    }

    [Fact]
    public async Task Cluster_ExceptVolatileAndSeveralRooms_AreHonouredOnTheOtherServer_LocalIsNotForwarded()
    {
        using Cluster c = await TwoServersAsync();
        var (b1, t1) = await c.B.ConnectAsync();
        var (b2, t2) = await c.B.ConnectAsync();
        var (b3, t3) = await c.B.ConnectAsync();
        t1.Join(["x", "y"]);
        t2.Join(["y", "muted"]);
        t3.Join("flush-marker");

        c.A.Server.To("x").To("y").Emit("both");
        c.A.Server.To("y").Except("muted").Emit("not-muted");
        c.A.Server.Except(t3.Id).Volatile.Emit("volatile");
        c.A.Server.Local.Emit("local-only");
        await FlushAsync(c, b3);

        Assert.Equal("42[\"both\"]", await NextAsync(b1));
        Assert.Equal("42[\"not-muted\"]", await NextAsync(b1));
        Assert.Equal("42[\"volatile\"]", await NextAsync(b1));
        Assert.True(b1.HasNothingToReceive());
        Assert.Equal("42[\"both\"]", await NextAsync(b2));
        Assert.Equal("42[\"volatile\"]", await NextAsync(b2));
        Assert.True(b2.HasNothingToReceive());
        Assert.True(b3.HasNothingToReceive());
    }

    [Fact]
    public async Task Cluster_Broadcast_CarriesBinaryAndStaysInItsNamespace()
    {
        using Cluster c = await TwoServersAsync(null, "/chat");
        var (main, _) = await c.B.ConnectAsync();
        var (chat, _) = await c.B.ConnectAsync("/chat");

        c.A.Server.Of("/chat").Emit("file", "name", new byte[] { 1, 2, 3 }, new byte[] { 4 });

        Assert.Equal("452-/chat,[\"file\",\"name\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", await NextAsync(chat));
        Assert.Equal(new byte[] { 1, 2, 3 }, await chat.ReceiveBinaryAsync());
        Assert.Equal(new byte[] { 4 }, await chat.ReceiveBinaryAsync());
        Assert.True(main.HasNothingToReceive());
    }

    [Fact]
    public async Task Cluster_BroadcastWithAck_CollectsTheAnswersOfEveryServersClients()
    {
        using Cluster c = await TwoServersAsync();
        var (a1, _) = await c.A.ConnectAsync();
        var (b1, _) = await c.B.ConnectAsync();
        var (b2, _) = await c.B.ConnectAsync();

        Task<IReadOnlyList<SocketIOArguments>> pending = c.A.Server.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("vote");
        foreach ((TestClient client, string answer) in new[] { (a1, "\"a1\""), (b1, "\"b1\""), (b2, "{\"bin\":{\"_placeholder\":true,\"num\":0}}") })
        {
            string frame = await NextAsync(client);
            Assert.StartsWith("42", frame, StringComparison.Ordinal);
            string id = frame[2..frame.IndexOf('[', StringComparison.Ordinal)];
            if (answer.Contains("_placeholder", StringComparison.Ordinal))
            {
                await client.SendAsync($"461-{id}[{answer}]");
                await client.SendBinaryAsync([9, 8]);
            }
            else
            {
                await client.SendAsync($"43{id}[{answer}]");
            }
        }

        IReadOnlyList<SocketIOArguments> responses = await pending.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(3, responses.Count);
        Assert.Equal(["a1", "b1"], responses.Where(r => r.GetKind(0) == JsonValueKind.String).Select(r => r.GetElement(0).GetString()).Order());
        SocketIOArguments binary = Assert.Single(responses, r => r.GetKind(0) == JsonValueKind.Object);
        Assert.Equal(new byte[] { 9, 8 }, binary.Attachments.Single().ToArray());
    }

    [Fact]
    public async Task Cluster_BroadcastWithAck_Timeout_HoldsTheAnswersThatArrived()
    {
        using Cluster c = await TwoServersAsync();
        await c.A.ConnectAsync();
        var (b1, _) = await c.B.ConnectAsync();

        Task<IReadOnlyList<SocketIOArguments>> pending = c.A.Server.Timeout(TimeSpan.FromMilliseconds(500)).EmitWithAckAsync("vote");
        string frame = await NextAsync(b1);
        await b1.SendAsync($"43{frame[2..frame.IndexOf('[', StringComparison.Ordinal)]}[1]");

        var error = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => pending.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Single(error.Responses);
        Assert.Equal(0, c.A.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task Cluster_BroadcastWithAckResults_OneEntryPerSocketOfEveryServer_AnswersWithTheirIds()
    {
        using Cluster c = await TwoServersAsync();
        var (a1, s1) = await c.A.ConnectAsync();
        var (a2, s2) = await c.A.ConnectAsync();
        var (b1, s3) = await c.B.ConnectAsync();
        var (b2, _) = await c.B.ConnectAsync();

        Task<IReadOnlyList<AckResult<SocketIOArguments>>> pending = c.A.Server.Timeout(TimeSpan.FromSeconds(3)).EmitWithAckResultsAsync("vote");
        foreach (TestClient silent in new[] { a2, b2 })
        {
            Assert.StartsWith("42", await NextAsync(silent), StringComparison.Ordinal);
        }

        foreach ((TestClient client, string answer) in new[] { (a1, "\"a1\""), (b1, "\"b1\"") })
        {
            string frame = await NextAsync(client);
            await client.SendAsync($"43{frame[2..frame.IndexOf('[', StringComparison.Ordinal)]}[{answer}]");
        }

        IReadOnlyList<AckResult<SocketIOArguments>> results = await pending.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(4, results.Count);
        Assert.Equal(
            new[] { (s1.Id, "a1"), (s3.Id, "b1") }.OrderBy(r => r.Id, StringComparer.Ordinal),
            results.Where(r => r.IsAcknowledged).Select(r => (Id: r.SocketId!, r.Value.GetElement(0).GetString()!)).OrderBy(r => r.Id, StringComparer.Ordinal));

        // The silent socket of this server by id; the other server's by number only (the wire says how many, not which).
        Assert.Equal(
            new[] { s2.Id, null }.OrderBy(id => id, StringComparer.Ordinal),
            results.Where(r => r.Status == AckStatus.TimedOut).Select(r => r.SocketId).OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(0, c.A.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task Cluster_FetchSockets_ReturnsRemoteSockets_UsableForEmitJoinLeaveDisconnect()
    {
        using Cluster c = await TwoServersAsync();
        var (a1, s1) = await c.A.ConnectAsync();
        var (b1, t1) = await c.B.ConnectAsync();
        s1.Join("team");
        t1.Join("team");
        t1.Data = JsonDocument.Parse("{\"name\":\"bee\"}").RootElement.Clone();

        IReadOnlyList<ISocketIORemoteSocket> team = await c.A.Server.In("team").FetchSocketsAsync();

        Assert.Equal(new[] { s1.Id, t1.Id }.Order(), team.Select(s => s.Id).Order());
        ISocketIORemoteSocket remote = team.Single(s => s.Id == t1.Id);
        Assert.IsType<SocketIORemoteSocket>(remote);
        Assert.Same(s1, team.Single(s => s.Id == s1.Id));
        Assert.Equal(new[] { t1.Id, "team" }.Order(), remote.Rooms.Order());
        Assert.Equal("bee", ((JsonElement)remote.Data!).GetProperty("name").GetString());
        Assert.Equal("test", remote.Handshake.Headers.UserAgent.ToString());

        remote.Emit("direct", 5);
        Assert.Equal("42[\"direct\",5]", await NextAsync(b1));
        remote.Join("extra");
        remote.Leave("team");
        // Two requests, handled one after the other on B: wait for both.
        for (int i = 0; i < 200 && (!t1.Rooms.Contains("extra") || t1.Rooms.Contains("team")); i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(new[] { t1.Id, "extra" }.Order(), t1.Rooms.Order());
        remote.Disconnect();
        Assert.Equal("41", await NextAsync(b1));
        Assert.True(a1.HasNothingToReceive());
    }

    [Fact]
    public async Task Cluster_SocketsJoinAndDisconnectSockets_ReachTheOtherServer()
    {
        using Cluster c = await TwoServersAsync();
        var (b1, t1) = await c.B.ConnectAsync();
        var (b2, t2) = await c.B.ConnectAsync();
        t1.Join("a");

        await c.A.Server.In("a").SocketsJoinAsync(["b"]);
        for (int i = 0; i < 200 && !t1.Rooms.Contains("b"); i++)
        {
            await Task.Delay(25);
        }

        Assert.Contains("b", t1.Rooms);
        Assert.DoesNotContain("b", t2.Rooms);
        if (AllRoomsSpansTheCluster)
        {
            Assert.Contains("b", await c.A.Server.MainNamespace.AllRoomsAsync());
        }
        else
        {
            Assert.DoesNotContain("b", await c.A.Server.MainNamespace.AllRoomsAsync());
            Assert.Contains("b", await c.B.Server.MainNamespace.AllRoomsAsync());
        }

        await c.A.Server.In("b").DisconnectSocketsAsync();
        Assert.Equal("41", await NextAsync(b1));
        Assert.True(t2.Connected);
        Assert.True(b2.HasNothingToReceive());
    }

    [Fact]
    public async Task Cluster_ServerSideEmit_WithAcks_AndServerCount()
    {
        using Cluster c = await TwoServersAsync();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        c.B.Server.OnServerSideEvent("hello", (args, ack) =>
        {
            received.TrySetResult(args.GetElement(0).GetString()!);
            ack.Send("hi from b", 2);
            return ValueTask.CompletedTask;
        });
        c.A.Server.OnServerSideEvent("hello", (_, ack) =>
        {
            ack.Send("A must not receive its own server-side emit");
            return ValueTask.CompletedTask;
        });

        Assert.Equal(2, await c.A.Server.ServerCountAsync());
        await c.A.Server.ServerSideEmitAsync("hello", "no ack");
        Assert.Equal("no ack", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        IReadOnlyList<JsonElement> answers = await c.A.Server.ServerSideEmitWithAckAsync("hello", ["with ack"]);

        Assert.Equal("hi from b", Assert.Single(answers).GetString());
    }

    [Fact]
    public async Task Cluster_ServerSideEmitWithAck_UnansweredWithinTheRequestsTimeout_FailsWithTheAnswersSoFar()
    {
        using Cluster c = await TwoServersAsync();
        c.B.Server.OnServerSideEvent("silent", (_, _) => ValueTask.CompletedTask);

        var error = await Assert.ThrowsAsync<SocketIOAdapterTimeoutException>(() => c.A.Server.ServerSideEmitWithAckAsync("silent", []));

        Assert.Equal("serverSideEmit", error.Request);
        Assert.Empty(error.Responses);
        Assert.Contains("0 of 1 server(s)", error.Message, StringComparison.Ordinal);
    }

    private sealed class Cluster(ServerFixture a, ServerFixture b) : IDisposable
    {
        public ServerFixture A { get; } = a;

        public ServerFixture B { get; } = b;

        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
        }
    }
}
