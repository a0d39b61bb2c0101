using System.Text.Json;
using System.Text.RegularExpressions;
using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

/// <summary>Parent namespaces (<c>io.of(/regex/)</c>, <c>io.of(fn)</c>), their children and <c>cleanupEmptyChildNamespaces</c>, as socket.io 4.8.4 does them.</summary>
public sealed class DynamicNamespaceTests
{
    private static readonly Regex Teams = new("^/team-\\d+$", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Regex_ClientConnectsToAMatchingName_ChildCreatedWithTheParentsMiddlewareAndHandlers()
    {
        using var fixture = new ServerFixture();
        var seen = new List<string>();
        SocketIONamespace parent = fixture.Server.Of(Teams, ns => ns
            .Use((socket, _) =>
            {
                seen.Add("middleware " + socket.Namespace.Name);
                return ValueTask.CompletedTask;
            })
            .OnConnection(socket => seen.Add("connection " + socket.Namespace.Name)));

        TestClient client = fixture.CreateClient();
        string sid = await client.ConnectAsync("/team-42");

        Assert.True(parent.IsParent);
        Assert.Equal("/_0", parent.Name);
        SocketIONamespace child = Assert.Single(parent.Children);
        Assert.Equal("/team-42", child.Name);
        Assert.Same(parent, child.Parent);
        Assert.False(child.IsParent);
        Assert.Same(child, fixture.Server.Of("/team-42"));
        Assert.Contains(child, fixture.Server.Namespaces);
        Assert.DoesNotContain(parent, fixture.Server.Namespaces);
        Assert.True(child.Sockets.ContainsKey(sid));
        Assert.Equal(["middleware /team-42", "connection /team-42"], seen);
    }

    [Fact]
    public async Task NameNoNamespaceHasAndNoParentAccepts_ConnectErrorInvalidNamespace()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40/team-x,");
        Assert.Equal("44/team-x,{\"message\":\"Invalid namespace\"}", await client.ReceiveAsync());

        // The parent's own name is not a namespace a client can join (as the official /_0).
        await client.SendAsync("40/_0,");
        Assert.Equal("44/_0,{\"message\":\"Invalid namespace\"}", await client.ReceiveAsync());

        Assert.Empty(parent.Children);
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task Matcher_SeesTheNameAndTheAuth_AcceptsOrRefuses()
    {
        using var fixture = new ServerFixture();
        var asked = new List<string>();
        SocketIONamespace parent = fixture.Server.Of(async (name, handshake, cancellationToken) =>
        {
            await Task.Yield();
            asked.Add(name + " " + handshake.Auth.GetRawText());
            return handshake.Auth.TryGetProperty("ok", out JsonElement ok) && ok.ValueKind == JsonValueKind.True;
        });
        TestClient client = fixture.CreateClient();

        await client.ConnectAsync("/x", "{\"ok\":true}");
        await client.SendAsync("40/y,{\"ok\":false}");
        Assert.Equal("44/y,{\"message\":\"Invalid namespace\"}", await client.ReceiveAsync());

        Assert.Equal(["/x {\"ok\":true}", "/y {\"ok\":false}"], asked);
        Assert.Equal("/x", Assert.Single(parent.Children).Name);
    }

    [Fact]
    public async Task Matcher_Throws_TakenAsNoMatch_NextParentAsked()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of((_, _, _) => throw new InvalidOperationException("boom"));
        SocketIONamespace second = fixture.Server.Of((name, _, _) => ValueTask.FromResult(name == "/b"));
        TestClient client = fixture.CreateClient();

        await client.ConnectAsync("/b");
        await client.SendAsync("40/c,");
        Assert.Equal("44/c,{\"message\":\"Invalid namespace\"}", await client.ReceiveAsync());

        Assert.Equal("/_1", second.Name);
        Assert.Equal("/b", Assert.Single(second.Children).Name);
        Assert.Equal(2, fixture.Logs.Count("NamespaceMatcherFailed"));
    }

    [Fact]
    public async Task ExistingNamespace_WinsOverAParentThatMatchesItsName()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace plain = fixture.Server.Of("/team-1");
        SocketIONamespace parent = fixture.Server.Of(Teams);
        TestClient client = fixture.CreateClient();

        string sid = await client.ConnectAsync("/team-1");

        Assert.True(plain.Sockets.ContainsKey(sid));
        Assert.Null(plain.Parent);
        Assert.Empty(parent.Children);
    }

    [Fact]
    public void OfName_MatchingARegexParent_CreatesTheChild_MatchersAreNotAsked()
    {
        using var fixture = new ServerFixture();
        bool asked = false;
        SocketIONamespace byMatcher = fixture.Server.Of((_, _, _) =>
        {
            asked = true;
            return ValueTask.FromResult(true);
        });
        SocketIONamespace parent = fixture.Server.Of(Teams);

        SocketIONamespace child = fixture.Server.Of("team-5");

        Assert.Equal("/team-5", child.Name);
        Assert.Same(parent, child.Parent);
        Assert.Empty(byMatcher.Children);
        Assert.False(asked);
    }

    [Fact]
    public async Task ParentMiddlewareAddedAfterAChildExists_DoesNotApplyToThatChild()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);
        await fixture.CreateClient().ConnectAsync("/team-1");
        parent.Use((_, _) => throw new SocketIOConnectionRejectedException("later"));

        await fixture.CreateClient().ConnectAsync("/team-1");
        TestClient refused = fixture.CreateClient();
        await refused.SendAsync("40/team-2,");

        Assert.Equal("44/team-2,{\"message\":\"later\"}", await refused.ReceiveAsync());
    }

    [Fact]
    public async Task ParentEmit_ReachesEverySocketOfEveryChild_InItsOwnNamespace()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams, ns => ns.OnConnection(socket =>
        {
            if (socket.Handshake.Auth.TryGetProperty("room", out JsonElement room))
            {
                socket.Join(room.GetString()!);
            }
        }));
        TestClient one = fixture.CreateClient();
        await one.ConnectAsync("/team-1", "{\"room\":\"r\"}");
        TestClient two = fixture.CreateClient();
        await two.ConnectAsync("/team-2");
        TestClient main = fixture.CreateClient();
        await main.ConnectAsync("/");

        parent.Emit("hello", 1);
        Assert.Equal("42/team-1,[\"hello\",1]", await one.ReceiveAsync());
        Assert.Equal("42/team-2,[\"hello\",1]", await two.ReceiveAsync());

        parent.To("r").Emit("room", 2);
        parent.Except("r").Emit("others", new byte[] { 7 });
        Assert.Equal("42/team-1,[\"room\",2]", await one.ReceiveAsync());
        Assert.Equal("451-/team-2,[\"others\",{\"_placeholder\":true,\"num\":0}]", await two.ReceiveAsync());
        Assert.Equal(new byte[] { 7 }, await two.ReceiveBinaryAsync());

        Assert.True(one.HasNothingToReceive());
        Assert.True(two.HasNothingToReceive());
        Assert.True(main.HasNothingToReceive());
    }

    [Fact]
    public async Task ParentRoomOperations_ActOnEveryChild()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);
        (TestClient one, string sid1) = await ConnectAsync(fixture, "/team-1");
        (TestClient two, string sid2) = await ConnectAsync(fixture, "/team-2");

        parent.SocketsJoin("all");
        Assert.Contains("all", fixture.Server.Of("/team-1").Sockets[sid1].Rooms);
        Assert.Contains("all", fixture.Server.Of("/team-2").Sockets[sid2].Rooms);

        parent.SocketsLeave("all");
        Assert.DoesNotContain("all", fixture.Server.Of("/team-1").Sockets[sid1].Rooms);

        parent.DisconnectSockets();
        Assert.Equal("41/team-1,", await one.ReceiveAsync());
        Assert.Equal("41/team-2,", await two.ReceiveAsync());
    }

    [Fact]
    public async Task ParentFetchSockets_IsNotSupported_AsTheOfficialServer()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);

        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(async () => await parent.FetchSocketsAsync());
        Assert.Contains("parent namespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParentEmitWithAck_CollectsTheAnswersOfEveryChild()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);
        (TestClient one, _) = await ConnectAsync(fixture, "/team-1");
        (TestClient two, _) = await ConnectAsync(fixture, "/team-2");

        Task<IReadOnlyList<SocketIOArguments>> pending = parent.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("ask", 3);
        Assert.Equal("42/team-1,0[\"ask\",3]", await one.ReceiveAsync());
        Assert.Equal("42/team-2,0[\"ask\",3]", await two.ReceiveAsync());
        await one.SendAsync("43/team-1,0[\"a\"]");
        await two.SendAsync("43/team-2,0[\"b\"]");

        IReadOnlyList<SocketIOArguments> answers = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["a", "b"], answers.Select(a => a.GetElement(0).GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ParentEmitWithAck_AChildsClientSilent_TimeoutHoldsTheAnswersThatArrived()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);
        (TestClient one, _) = await ConnectAsync(fixture, "/team-1");
        (TestClient two, _) = await ConnectAsync(fixture, "/team-2");

        Task<IReadOnlyList<SocketIOArguments>> pending = parent.Timeout(TimeSpan.FromMilliseconds(300)).EmitWithAckAsync("ask");
        Assert.Equal("42/team-1,0[\"ask\"]", await one.ReceiveAsync());
        await one.SendAsync("43/team-1,0[\"a\"]");
        Assert.Equal("42/team-2,0[\"ask\"]", await two.ReceiveAsync());

        SocketIOAckTimeoutException error = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => pending);
        Assert.Equal("a", Assert.Single(error.Responses).GetElement(0).GetString());
        Assert.Equal("1 of 2 clients did not acknowledge \"ask\" within 300 ms.", error.Message);
    }

    [Fact]
    public async Task ParentEmitWithAckResults_OneEntryPerSocketOfEveryChild()
    {
        using var fixture = new ServerFixture();
        SocketIONamespace parent = fixture.Server.Of(Teams);
        (TestClient one, string sid1) = await ConnectAsync(fixture, "/team-1");
        (TestClient two, string sid2) = await ConnectAsync(fixture, "/team-2");

        Task<IReadOnlyList<AckResult<SocketIOArguments>>> pending = parent.Timeout(TimeSpan.FromMilliseconds(300)).EmitWithAckResultsAsync("ask");
        Assert.Equal("42/team-1,0[\"ask\"]", await one.ReceiveAsync());
        await one.SendAsync("43/team-1,0[\"a\"]");
        Assert.Equal("42/team-2,0[\"ask\"]", await two.ReceiveAsync());

        IReadOnlyList<AckResult<SocketIOArguments>> results = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, results.Count);
        AckResult<SocketIOArguments> answered = Assert.Single(results, r => r.SocketId == sid1);
        Assert.Equal("a", answered.Value.GetElement(0).GetString());
        Assert.Equal(AckStatus.TimedOut, Assert.Single(results, r => r.SocketId == sid2).Status);
    }

    [Fact]
    public async Task Cleanup_Off_AnEmptyChildStays()
    {
        using var fixture = new ServerFixture(o => o.CleanupEmptyChildNamespaces = false);
        SocketIONamespace parent = fixture.Server.Of(Teams);
        (TestClient client, _) = await ConnectAsync(fixture, "/team-1");

        await client.SendAsync("41/team-1,");

        Assert.Single(parent.Children);
        Assert.True(fixture.Server.TryGetNamespace("/team-1", out _));
    }

    [Fact]
    public async Task Cleanup_On_TheLastSocketLeaves_ChildRemoved_ANewConnectCreatesItAgain()
    {
        using var fixture = new ServerFixture(o => o.CleanupEmptyChildNamespaces = true);
        int connections = 0;
        SocketIONamespace parent = fixture.Server.Of(Teams, ns => ns.OnConnection(_ => Interlocked.Increment(ref connections)));
        (TestClient first, _) = await ConnectAsync(fixture, "/team-1");
        (TestClient second, _) = await ConnectAsync(fixture, "/team-1");
        SocketIONamespace child = Assert.Single(parent.Children);

        await first.SendAsync("41/team-1,");
        Assert.Same(child, Assert.Single(parent.Children));

        await second.CloseFromEngineAsync("transport close");
        Assert.Empty(parent.Children);
        Assert.False(fixture.Server.TryGetNamespace("/team-1", out _));
        Assert.Equal(1, fixture.Logs.Count("ChildNamespaceRemoved"));

        (_, string sid) = await ConnectAsync(fixture, "/team-1");
        SocketIONamespace again = Assert.Single(parent.Children);
        Assert.NotSame(child, again);
        Assert.True(again.Sockets.ContainsKey(sid));
        Assert.Equal(3, connections);
    }

    [Fact]
    public async Task Cleanup_On_ChildWhoseMiddlewareRefusedTheOnlySocket_IsRemoved()
    {
        using var fixture = new ServerFixture(o => o.CleanupEmptyChildNamespaces = true);
        SocketIONamespace parent = fixture.Server.Of(Teams, ns => ns.Use((_, _) => throw new SocketIOConnectionRejectedException("no")));
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40/team-9,");

        Assert.Equal("44/team-9,{\"message\":\"no\"}", await client.ReceiveAsync());
        Assert.Empty(parent.Children);
        Assert.False(fixture.Server.TryGetNamespace("/team-9", out _));
    }

    [Fact]
    public async Task Cleanup_On_ManyClientsJoiningAndLeavingAtOnce_EveryJoinedSocketIsInTheLiveChild()
    {
        using var fixture = new ServerFixture(o => o.CleanupEmptyChildNamespaces = true);
        SocketIONamespace parent = fixture.Server.Of(Teams, ns => ns.Use(async (_, _) => await Task.Yield()));

        for (int round = 0; round < 20; round++)
        {
            TestClient[] clients = [.. Enumerable.Range(0, 8).Select(_ => fixture.CreateClient())];
            string[] sids = await Task.WhenAll(clients.Select(c => Task.Run(() => c.ConnectAsync("/team-3"))));
            SocketIONamespace child = Assert.Single(parent.Children);
            Assert.All(sids, sid => Assert.True(child.Sockets.ContainsKey(sid)));
            await Task.WhenAll(clients.Select(c => Task.Run(async () => await c.SendAsync("41/team-3,"))));
            Assert.Empty(parent.Children);
        }
    }

    private static async Task<(TestClient Client, string Sid)> ConnectAsync(ServerFixture fixture, string ns)
    {
        TestClient client = fixture.CreateClient();
        return (client, await client.ConnectAsync(ns));
    }
}
