using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// The behaviour every adapter must have (rooms, selections, broadcasts, acknowledgements), run through the server as a
/// user sees it. Each adapter inherits it: <see cref="InMemorySocketIOAdapterTests"/> now, a Redis adapter later.
/// </summary>
public abstract class SocketIOAdapterSpecification
{
    /// <summary>Creates the factory of the adapter under test.</summary>
    protected abstract ISocketIOAdapterFactory CreateAdapterFactory();

    private ServerFixture NewFixture() => new(adapterFactory: CreateAdapterFactory());

    private async Task<(ServerFixture Fixture, (TestClient Client, SocketIOSocket Socket)[] Peers)> ThreePeersAsync()
    {
        var fixture = NewFixture();
        var peers = new (TestClient, SocketIOSocket)[3];
        for (int i = 0; i < peers.Length; i++)
        {
            peers[i] = await fixture.ConnectAsync();
        }

        return (fixture, peers);
    }

    [Fact]
    public async Task Join_AddsRoom_SocketAlwaysInItsOwnIdRoom()
    {
        using var fixture = NewFixture();
        var (_, socket) = await fixture.ConnectAsync();

        socket.Join("lobby");
        socket.Join(["a", "b"]);
        socket.Leave("a");

        Assert.Equal(new[] { socket.Id, "b", "lobby" }.Order(), socket.Rooms.Order());
    }

    [Fact]
    public async Task To_Room_ReachesOnlyMembers()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[0].Socket.Join("lobby");
            p[2].Socket.Join("lobby");

            fixture.Server.To("lobby").Emit("news", 1);

            Assert.Equal("42[\"news\",1]", await p[0].Client.ReceiveAsync());
            Assert.Equal("42[\"news\",1]", await p[2].Client.ReceiveAsync());
            Assert.True(p[1].Client.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task To_SeveralRooms_ReachesEachSocketOnce()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[0].Socket.Join(["a", "b"]);
            p[1].Socket.Join("b");

            fixture.Server.To("a").To("b").Emit("once");

            Assert.Equal("42[\"once\"]", await p[0].Client.ReceiveAsync());
            Assert.True(p[0].Client.HasNothingToReceive());
            Assert.Equal("42[\"once\"]", await p[1].Client.ReceiveAsync());
            Assert.True(p[2].Client.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task Broadcast_EncodesOncePerEmit_SameBytesToEverySocket()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            fixture.Server.Emit("all", "x");

            SocketIOEncodedPacket first = p[0].Client.Transport.SentPackets[^1];
            Assert.Same(first, p[1].Client.Transport.SentPackets[^1]);
            Assert.Same(first, p[2].Client.Transport.SentPackets[^1]);
        }
    }

    [Fact]
    public async Task Except_LeavesOutRoomMembers()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[1].Socket.Join("muted");

            fixture.Server.Except("muted").Emit("hi");

            Assert.Equal("42[\"hi\"]", await p[0].Client.ReceiveAsync());
            Assert.Equal("42[\"hi\"]", await p[2].Client.ReceiveAsync());
            Assert.True(p[1].Client.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task SocketBroadcast_ReachesAllButTheSender_AndSocketTo_LeavesOutTheSender()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[0].Socket.Broadcast.Emit("b");
            p[0].Socket.Join("r");
            p[1].Socket.Join("r");
            p[0].Socket.To("r").Emit("t");

            Assert.True(p[0].Client.HasNothingToReceive());
            Assert.Equal("42[\"b\"]", await p[1].Client.ReceiveAsync());
            Assert.Equal("42[\"t\"]", await p[1].Client.ReceiveAsync());
            Assert.Equal("42[\"b\"]", await p[2].Client.ReceiveAsync());
            Assert.True(p[2].Client.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task ToSocketId_ReachesThatSocket()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            fixture.Server.To(p[1].Socket.Id).Emit("private");

            Assert.Equal("42[\"private\"]", await p[1].Client.ReceiveAsync());
            Assert.True(p[0].Client.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task Broadcast_StaysInItsNamespace()
    {
        using var fixture = NewFixture();
        fixture.Server.Of("/chat");
        var (main, _) = await fixture.ConnectAsync();
        var (chat, _) = await fixture.ConnectAsync("/chat");

        fixture.Server.Of("/chat").Emit("n");

        Assert.Equal("42/chat,[\"n\"]", await chat.ReceiveAsync());
        Assert.True(main.HasNothingToReceive());
    }

    [Fact]
    public async Task Volatile_DroppedForClientsNotWritable()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[1].Client.Transport.Writable = false;

            fixture.Server.Volatile.Emit("tick");
            Assert.False(p[1].Socket.Volatile.Emit("tick"));

            Assert.Equal("42[\"tick\"]", await p[0].Client.ReceiveAsync());
            Assert.True(p[1].Client.HasNothingToReceive());
            Assert.True(p[1].Client.IsOpen);
        }
    }

    [Fact]
    public async Task FetchSockets_SocketsJoin_SocketsLeave_OnSelections()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[0].Socket.Join("a");
            p[1].Socket.Join("a");

            fixture.Server.In("a").SocketsJoin("b");
            IReadOnlyList<ISocketIORemoteSocket> inB = await fixture.Server.In("b").FetchSocketsAsync();
            fixture.Server.SocketsLeave("a");
            IReadOnlyList<ISocketIORemoteSocket> all = await fixture.Server.FetchSocketsAsync();

            Assert.Equal(new[] { p[0].Socket.Id, p[1].Socket.Id }.Order(), inB.Select(s => s.Id).Order());
            Assert.Equal(3, all.Count);
            Assert.Empty(await fixture.Server.In("a").FetchSocketsAsync());
        }
    }

    [Fact]
    public async Task DisconnectSockets_OnRoom_DisconnectsOnlyMembers()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[2].Socket.Join("kick");

            fixture.Server.In("kick").DisconnectSockets();

            Assert.Equal("41", await p[2].Client.ReceiveAsync());
            Assert.False(p[2].Socket.Connected);
            Assert.Equal("server namespace disconnect", p[2].Socket.DisconnectReason);
            Assert.True(p[2].Client.IsOpen);
            Assert.True(p[0].Socket.Connected);
            Assert.Equal(2, fixture.Server.MainNamespace.Sockets.Count);
        }
    }

    [Fact]
    public async Task BroadcastWithAck_CollectsEveryResponse()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            Task<IReadOnlyList<SocketIOArguments>> pending = fixture.Server.Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("vote");
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal("420[\"vote\"]", await p[i].Client.ReceiveAsync());
                await p[i].Client.SendAsync($"430[{i}]");
            }

            IReadOnlyList<SocketIOArguments> responses = await pending;
            Assert.Equal([0, 1, 2], responses.Select(r => r.GetElement(0).GetInt32()).Order());
            Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
        }
    }

    [Fact]
    public async Task BroadcastWithAck_Timeout_GivesPartialResponsesAndFreesEveryEntry()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            // Long enough for the one answer to arrive on a loaded machine (a cluster adapter publishes before returning); the
            // two other clients never answer, so the broadcast times out all the same.
            Task<IReadOnlyList<SocketIOArguments>> pending = fixture.Server.Timeout(TimeSpan.FromSeconds(2)).EmitWithAckAsync("vote");
            await p[0].Client.ReceiveAsync();
            await p[0].Client.SendAsync("430[\"yes\"]");

            var error = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => pending);

            Assert.Single(error.Responses);
            Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
        }
    }

    [Fact]
    public async Task BroadcastWithAck_SocketLeaves_FailsAtTheTimeoutWithTheOthersAnswers_AsTheOfficialServer()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            // socket.io 4.8.4's io.timeout(t).emit(…, cb) with a client that disconnects: cb(Error("operation has timed out"), answers) at t.
            Task<IReadOnlyList<SocketIOArguments>> pending = fixture.Server.Timeout(TimeSpan.FromSeconds(2)).EmitWithAckAsync("vote");
            await p[0].Client.SendAsync("430[1]");
            await p[1].Client.SendAsync("430[2]");
            await p[2].Client.CloseFromEngineAsync("transport close");

            var error = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => pending);
            Assert.Equal([1, 2], error.Responses.Select(r => r.GetElement(0).GetInt32()).Order());
            Assert.Equal("1 of 3 clients did not acknowledge \"vote\" within 2000 ms.", error.Message);
            Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
        }
    }

    [Fact]
    public async Task BroadcastWithAck_WithoutTimeout_IsRefused()
    {
        using var fixture = NewFixture();
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Server.MainNamespace.To("x").EmitWithAckAsync("q"));
    }

    [Fact]
    public async Task FetchSockets_OnThisServer_AreTheSocketsThemselves_UsableForEmitJoinLeaveDisconnect()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            p[1].Socket.Join("a");
            ISocketIORemoteSocket fetched = Assert.Single(await fixture.Server.In("a").FetchSocketsAsync());

            fetched.Emit("direct", 7);
            fetched.Join("b");
            fetched.Leave("a");

            Assert.Same(p[1].Socket, fetched);
            Assert.Equal("42[\"direct\",7]", await p[1].Client.ReceiveAsync());
            Assert.Equal(new[] { p[1].Socket.Id, "b" }.Order(), fetched.Rooms.Order());
            fetched.Disconnect();
            Assert.Equal("41", await p[1].Client.ReceiveAsync());
        }
    }

    [Fact]
    public async Task AsyncSelections_JoinLeaveDisconnect_AreDoneWhenTheyComplete()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            await fixture.Server.MainNamespace.SocketsJoinAsync(["all"]);
            await fixture.Server.In("all").Except(p[0].Socket.Id).SocketsLeaveAsync(["all"]);
            await fixture.Server.In(p[2].Socket.Id).DisconnectSocketsAsync();

            Assert.Equal(new[] { p[0].Socket.Id, "all" }.Order(), p[0].Socket.Rooms.Order());
            Assert.Equal(new[] { p[1].Socket.Id }, p[1].Socket.Rooms);
            Assert.False(p[2].Socket.Connected);
            Assert.Contains("all", await fixture.Server.MainNamespace.AllRoomsAsync());
        }
    }

    [Fact]
    public async Task ServerId_IsRandomPerAdapter()
    {
        using var one = NewFixture();
        using var two = NewFixture();

        Assert.NotEqual(one.Server.MainNamespace.Adapter.ServerId, two.Server.MainNamespace.Adapter.ServerId);
        Assert.NotEqual(one.Server.MainNamespace.Adapter.ServerId, one.Server.Of("/chat").Adapter.ServerId);
        Assert.True(await one.Server.ServerCountAsync() >= 1);
    }

    [Fact]
    public async Task BroadcastWithAck_ToNobody_CompletesAtOnceEmpty()
    {
        using var fixture = NewFixture();
        await fixture.ConnectAsync();

        IReadOnlyList<SocketIOArguments> responses = await fixture.Server.To("nobody").Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("q");

        Assert.Empty(responses);
    }

    [Fact]
    public async Task BroadcastWithAck_CarriesThisServersAckId_AndBinaryArguments()
    {
        var (fixture, p) = await ThreePeersAsync();
        using (fixture)
        {
            Task<IReadOnlyList<SocketIOArguments>> first = fixture.Server.To(p[0].Socket.Id).Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("bin", new byte[] { 1, 2 });
            Task<IReadOnlyList<SocketIOArguments>> second = fixture.Server.To(p[0].Socket.Id).Timeout(TimeSpan.FromSeconds(30)).EmitWithAckAsync("plain");

            Assert.Equal("451-0[\"bin\",{\"_placeholder\":true,\"num\":0}]", await p[0].Client.ReceiveAsync());
            Assert.Equal(new byte[] { 1, 2 }, await p[0].Client.ReceiveBinaryAsync());
            Assert.Equal("421[\"plain\"]", await p[0].Client.ReceiveAsync());
            await p[0].Client.SendAsync("431[\"b\"]");
            await p[0].Client.SendAsync("430[\"a\"]");

            Assert.Equal("a", (await first).Single().GetElement(0).GetString());
            Assert.Equal("b", (await second).Single().GetElement(0).GetString());
        }
    }

    [Fact]
    public async Task Rooms_DisappearWhenEmpty()
    {
        using var fixture = NewFixture();
        var (client, socket) = await fixture.ConnectAsync();
        socket.Join("lobby");
        Assert.Equal(2, fixture.Server.Diagnostics.GetRoomCount("/"));

        await client.SendAsync("41");

        Assert.Equal(0, fixture.Server.Diagnostics.GetRoomCount("/"));
    }
}
