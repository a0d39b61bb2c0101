using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

/// <summary>Connection state recovery (the official <c>connectionStateRecovery</c>), exact packets through the in-memory harness.</summary>
public sealed partial class RecoveryTests
{
    [Fact]
    public async Task Off_ByDefault_ConnectAnswersSidOnly_AndEventsHaveNoOffset()
    {
        using var fixture = new ServerFixture();
        Assert.Null(fixture.Server.Options.ConnectionStateRecovery);
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40");
        Assert.Matches("^40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}$", await client.ReceiveAsync());
        SocketIOSocket socket = Assert.Single(fixture.Server.MainNamespace.Sockets.Values);

        fixture.Server.Emit("news", "x");
        socket.Emit("hi", 1);

        Assert.Equal("42[\"news\",\"x\"]", await client.ReceiveAsync());
        Assert.Equal("42[\"hi\",1]", await client.ReceiveAsync());
        Assert.False(socket.Recovered);

        // A cut connection leaves nothing behind, and a pid in the auth is just auth.
        await client.CloseFromEngineAsync("transport close");
        Assert.Equal(0, ((InMemorySocketIOAdapter)fixture.Server.MainNamespace.Adapter).SessionCount);
        Assert.Equal(0, ((InMemorySocketIOAdapter)fixture.Server.MainNamespace.Adapter).BufferedPacketCount);
    }

    [Fact]
    public async Task On_ConnectAnswersSidAndPid_FromTheCsprng()
    {
        using var fixture = Recovering();
        var (_, sid, pid) = await ConnectAsync(fixture);
        var (_, sid2, pid2) = await ConnectAsync(fixture);

        Assert.NotEqual(sid, pid);
        Assert.NotEqual(pid, pid2);
        Assert.NotEqual(sid, sid2);
        Assert.False(fixture.Server.MainNamespace.Sockets[sid].Recovered);
    }

    [Fact]
    public async Task On_EventsWithoutAckAndNotVolatile_GetAnOffsetAsLastArgument()
    {
        using var fixture = Recovering();
        fixture.Server.Of("/chat");
        var (client, sid, _) = await ConnectAsync(fixture);
        SocketIOSocket socket = fixture.Server.MainNamespace.Sockets[sid];
        TestClient chatClient = fixture.CreateClient();
        await chatClient.SendAsync("40/chat,");
        Assert.Matches("^40/chat,\\{\"sid\":\"[A-Za-z0-9_-]{20}\",\"pid\":\"[A-Za-z0-9_-]{20}\"\\}$", await chatClient.ReceiveAsync());

        fixture.Server.Emit("news", "x", 1);
        socket.Emit("direct");
        fixture.Server.Of("/chat").Emit("chat", "y");
        socket.Volatile.Emit("volatile");
        _ = socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("ask");
        _ = fixture.Server.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("poll");

        string o1 = AssertEvent("42[\"news\",\"x\",1,", await client.ReceiveAsync());
        string o2 = AssertEvent("42[\"direct\",", await client.ReceiveAsync());
        Assert.NotEqual(o1, o2);
        AssertEvent("42/chat,[\"chat\",\"y\",", await chatClient.ReceiveAsync());
        Assert.Equal("42[\"volatile\"]", await client.ReceiveAsync());
        Assert.Equal("420[\"ask\"]", await client.ReceiveAsync());
        Assert.Matches("^42\\d+\\[\"poll\"\\]$", await client.ReceiveAsync());
        Assert.Equal(2, ((InMemorySocketIOAdapter)fixture.Server.MainNamespace.Adapter).BufferedPacketCount);
    }

    [Fact]
    public async Task On_BinaryEvents_KeepTheirAttachments_TopLevelAndNested()
    {
        using var fixture = Recovering();
        var (client, _, _) = await ConnectAsync(fixture);
        var typeInfo = (JsonTypeInfo<Dictionary<string, byte[]>>)JsonSerializerOptions.Default.GetTypeInfo(typeof(Dictionary<string, byte[]>));

        fixture.Server.Emit("top", new byte[] { 1, 2 }, "after");
        fixture.Server.Emit("nested", 0, (writer, _) =>
        {
            writer.WriteArgument(new Dictionary<string, byte[]> { ["a"] = [3], ["b"] = [4, 5] }, typeInfo);
            writer.WriteBinary(new byte[] { 6 });
        });

        AssertEvent("451-[\"top\",{\"_placeholder\":true,\"num\":0},\"after\",", await client.ReceiveAsync());
        Assert.Equal([1, 2], await client.ReceiveBinaryAsync());
        AssertEvent(
            "453-[\"nested\",{\"a\":{\"_placeholder\":true,\"num\":0},\"b\":{\"_placeholder\":true,\"num\":1}},{\"_placeholder\":true,\"num\":2},",
            await client.ReceiveAsync());
        Assert.Equal([3], await client.ReceiveBinaryAsync());
        Assert.Equal([4, 5], await client.ReceiveBinaryAsync());
        Assert.Equal([6], await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task CutConnection_ThenConnectWithPidAndOffset_RestoresSidRoomsData_AndReplaysMissedInOrder()
    {
        using var fixture = Recovering();
        var connections = new List<SocketIOSocket>();
        fixture.Server.OnConnection(s =>
        {
            connections.Add(s);
            if (!s.Recovered)
            {
                s.Join("room1");
                s.Data = "state";
            }
        });
        var (client, sid, pid) = await ConnectAsync(fixture);
        var (other, otherSid, _) = await ConnectAsync(fixture);
        fixture.Server.Emit("before", 0);
        string offset = AssertEvent("42[\"before\",0,", await client.ReceiveAsync());
        SocketIOSocket first = fixture.Server.MainNamespace.Sockets[sid];
        string? reason = null;
        first.Disconnected += (_, r) => reason = r;

        await client.CloseFromEngineAsync("transport close");
        Assert.Equal("transport close", reason);
        fixture.Server.To("room1").Emit("m1", 1);
        fixture.Server.To("elsewhere").Emit("m2", 2);
        fixture.Server.Emit("m3", 3);
        fixture.Server.Except("room1").Emit("m4", 4);
        fixture.Server.MainNamespace.Sockets[otherSid].Broadcast.Emit("m5", 5);
        fixture.Server.To(sid).Emit("m6", 6);
        fixture.Server.Volatile.Emit("m7", 7);

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\",\"token\":\"t\"}}");

        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
        AssertEvent("42[\"m1\",1,", await back.ReceiveAsync());
        AssertEvent("42[\"m3\",3,", await back.ReceiveAsync());
        AssertEvent("42[\"m5\",5,", await back.ReceiveAsync());
        AssertEvent("42[\"m6\",6,", await back.ReceiveAsync());
        Assert.True(back.HasNothingToReceive());
        SocketIOSocket restored = fixture.Server.MainNamespace.Sockets[sid];
        Assert.NotSame(first, restored);
        Assert.True(restored.Recovered);
        Assert.Equal("state", restored.Data);
        Assert.Equal(new[] { "room1", sid }.Order(StringComparer.Ordinal), restored.Rooms.Order(StringComparer.Ordinal));
        Assert.Equal("t", restored.Handshake.Auth.GetProperty("token").GetString());
        Assert.Equal(3, connections.Count);
        Assert.Same(restored, connections[2]);

        // Live again: in its rooms, and the session was used once.
        fixture.Server.To("room1").Emit("live");
        AssertEvent("42[\"live\",", await back.ReceiveAsync());
        TestClient again = fixture.CreateClient();
        await again.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.DoesNotContain(sid, await again.ReceiveAsync());
        Assert.NotNull(other);
    }

    [Fact]
    public async Task Restore_OfACustomNamespace_AnswersOnThatNamespace()
    {
        using var fixture = Recovering();
        fixture.Server.Of("/chat");
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40/chat,");
        Match m = ConnectAnswer().Match(await client.ReceiveAsync());
        string sid = m.Groups[1].Value, pid = m.Groups[2].Value;
        fixture.Server.Of("/chat").Emit("a");
        string offset = AssertEvent("42/chat,[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("ping timeout");
        fixture.Server.Of("/chat").Emit("b");

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40/chat,{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal($"40/chat,{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
        AssertEvent("42/chat,[\"b\",", await back.ReceiveAsync());
    }

    [Fact]
    public async Task Restore_AfterTheWindow_StartsFresh()
    {
        var clock = new ManualClock();
        using var fixture = Recovering(o => o.MaxDisconnectionDuration = TimeSpan.FromSeconds(30), clock);
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        clock.Advance(TimeSpan.FromSeconds(31));

        var (back, sid2, pid2) = await ConnectAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.NotEqual(sid, sid2);
        Assert.NotEqual(pid, pid2);
        Assert.False(fixture.Server.MainNamespace.Sockets[sid2].Recovered);
        Assert.True(back.HasNothingToReceive());
        Assert.Equal(0, Adapter(fixture).SessionCount);
    }

    [Fact]
    public async Task Sweep_FreesSessionsAndPacketsPastTheWindow()
    {
        var clock = new ManualClock();
        using var fixture = Recovering(o => o.MaxDisconnectionDuration = TimeSpan.FromSeconds(30), clock);
        var (client, _, _) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        await client.ReceiveAsync();
        await client.CloseFromEngineAsync("transport close");
        clock.Advance(TimeSpan.FromSeconds(20));
        fixture.Server.Emit("b");
        Assert.Equal(1, Adapter(fixture).SessionCount);
        Assert.Equal(2, Adapter(fixture).BufferedPacketCount);

        clock.Advance(TimeSpan.FromSeconds(11));
        Adapter(fixture).Sweep();

        Assert.Equal(0, Adapter(fixture).SessionCount);
        Assert.Equal(1, Adapter(fixture).BufferedPacketCount);
        clock.Advance(TimeSpan.FromSeconds(30));
        Adapter(fixture).Sweep();
        Assert.Equal(0, Adapter(fixture).BufferedPacketCount);
        Assert.Equal(0, Adapter(fixture).BufferedBytes);
    }

    [Fact]
    public async Task Restore_QuietNamespace_OffsetOfTheLastEventStillWorksAfterItWasSwept()
    {
        var clock = new ManualClock();
        using var fixture = Recovering(o => o.MaxDisconnectionDuration = TimeSpan.FromSeconds(30), clock);
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        clock.Advance(TimeSpan.FromSeconds(40));
        Adapter(fixture).Sweep();
        await client.CloseFromEngineAsync("transport close");

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
    }

    [Fact]
    public async Task Restore_ByAnotherUser_StartsFresh_AndLeavesTheSessionToItsOwner()
    {
        using var fixture = Recovering();
        ClaimsPrincipal ada = User("ada"), bob = User("bob");
        TestClient client = fixture.CreateClient(user: ada);
        await client.SendAsync("40");
        Match m = ConnectAnswer().Match(await client.ReceiveAsync());
        string sid = m.Groups[1].Value, pid = m.Groups[2].Value;
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        string auth = $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}";

        foreach (ClaimsPrincipal? intruder in new[] { bob, null })
        {
            TestClient attacker = fixture.CreateClient(user: intruder);
            await attacker.SendAsync("40" + auth);
            Match fresh = ConnectAnswer().Match(await attacker.ReceiveAsync());
            Assert.NotEqual(sid, fresh.Groups[1].Value);
            Assert.NotEqual(pid, fresh.Groups[2].Value);
            Assert.True(attacker.HasNothingToReceive());
        }

        TestClient owner = fixture.CreateClient(user: User("ada"));
        await owner.SendAsync("40" + auth);
        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await owner.ReceiveAsync());
        Assert.True(fixture.Server.MainNamespace.Sockets[sid].Recovered);
    }

    [Fact]
    public async Task Restore_OfAnAnonymousSession_ByAnAuthenticatedUser_StartsFresh()
    {
        using var fixture = Recovering();
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");

        TestClient other = fixture.CreateClient(user: User("mallory"));
        await other.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.DoesNotContain(sid, await other.ReceiveAsync());
    }

    [Theory]
    [InlineData("41")]
    [InlineData("server")]
    public async Task LeavingOnPurpose_KeepsNoSession(string how)
    {
        using var fixture = Recovering();
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        if (how == "41")
        {
            await client.SendAsync("41");
        }
        else
        {
            fixture.Server.MainNamespace.Sockets[sid].Disconnect();
            Assert.Equal("41", await client.ReceiveAsync());
        }

        Assert.Equal(0, Adapter(fixture).SessionCount);
        var (_, sid2, _) = await ConnectAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.NotEqual(sid, sid2);
    }

    [Theory]
    [InlineData("{\"pid\":\"PID\"}")]
    [InlineData("{\"pid\":\"PID\",\"offset\":\"nope-1\"}")]
    [InlineData("{\"pid\":\"PID\",\"offset\":7}")]
    [InlineData("{\"pid\":\"unknown\",\"offset\":\"OFFSET\"}")]
    public async Task Restore_WithoutAUsableOffsetOrPid_StartsFresh(string auth)
    {
        using var fixture = Recovering();
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");

        var (_, sid2, _) = await ConnectAsync(fixture, auth.Replace("PID", pid, StringComparison.Ordinal).Replace("OFFSET", offset, StringComparison.Ordinal));

        Assert.NotEqual(sid, sid2);
    }

    [Fact]
    public async Task Caps_DropTheOldestPackets_AndAClientThatMissedADroppedOneStartsFresh()
    {
        using var fixture = Recovering(o => o.MaxPacketsPerNamespace = 3);
        var (client, sid, pid) = await ConnectAsync(fixture);
        var (watcher, _, _) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");
        for (int i = 0; i < 5; i++)
        {
            fixture.Server.Emit("n", i);
        }

        Assert.Equal(3, Adapter(fixture).BufferedPacketCount);
        var (_, sid2, _) = await ConnectAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.NotEqual(sid, sid2);
        Assert.NotNull(watcher);
    }

    [Fact]
    public async Task Caps_ByteCap_BoundsTheBuffer_AndRecentOffsetsStillRestore()
    {
        using var fixture = Recovering(o => o.MaxBytesPerNamespace = 1_000);
        var (client, sid, pid) = await ConnectAsync(fixture);
        string big = new('x', 300);
        string offset = "";
        for (int i = 0; i < 10; i++)
        {
            fixture.Server.Emit("big", big);
            offset = AssertEvent("42[\"big\",\"" + big + "\",", await client.ReceiveAsync());
        }

        Assert.InRange(Adapter(fixture).BufferedBytes, 1, 1_000);
        Assert.InRange(Adapter(fixture).BufferedPacketCount, 1, 2);
        await client.CloseFromEngineAsync("transport close");
        fixture.Server.Emit("small", 1);

        TestClient back = fixture.CreateClient();
        await back.SendAsync($"40{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
        Assert.Equal($"40{{\"sid\":\"{sid}\",\"pid\":\"{pid}\"}}", await back.ReceiveAsync());
        AssertEvent("42[\"small\",1,", await back.ReceiveAsync());
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task Restore_SkipsTheMiddleware_UnlessToldNot(bool skip, int expectedRuns)
    {
        using var fixture = Recovering(o => o.SkipMiddlewares = skip);
        int runs = 0;
        fixture.Server.MainNamespace.Use((_, _) =>
        {
            runs++;
            return ValueTask.CompletedTask;
        });
        var (client, sid, pid) = await ConnectAsync(fixture);
        fixture.Server.Emit("a");
        string offset = AssertEvent("42[\"a\",", await client.ReceiveAsync());
        await client.CloseFromEngineAsync("transport close");

        var (_, sid2, _) = await ConnectAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");

        Assert.Equal(sid, sid2);
        Assert.Equal(expectedRuns, runs);
    }

    [Fact]
    public void Options_DefaultsAndValidation()
    {
        var recovery = new SocketIOConnectionStateRecoveryOptions();
        Assert.Equal(TimeSpan.FromMinutes(2), recovery.MaxDisconnectionDuration);
        Assert.True(recovery.SkipMiddlewares);
        Assert.Equal(10_000, recovery.MaxPacketsPerNamespace);
        Assert.Equal(16 * 1024 * 1024, recovery.MaxBytesPerNamespace);

        var validator = new SocketIOServerOptionsValidator();
        Assert.True(validator.Validate(null, new SocketIOServerOptions { ConnectionStateRecovery = recovery }).Succeeded);
        ValidateOptionsResult result = validator.Validate(null, new SocketIOServerOptions
        {
            ConnectionStateRecovery = new() { MaxDisconnectionDuration = TimeSpan.Zero, MaxPacketsPerNamespace = 0, MaxBytesPerNamespace = 0 },
        });
        Assert.True(result.Failed);
        Assert.Contains("MaxDisconnectionDuration", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxPacketsPerNamespace", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxBytesPerNamespace", result.FailureMessage, StringComparison.Ordinal);
    }

    private static ServerFixture Recovering(Action<SocketIOConnectionStateRecoveryOptions>? configure = null, TimeProvider? clock = null) =>
        new(o =>
        {
            o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions();
            configure?.Invoke(o.ConnectionStateRecovery);
        }, timeProvider: clock);

    private static InMemorySocketIOAdapter Adapter(ServerFixture fixture) => (InMemorySocketIOAdapter)fixture.Server.MainNamespace.Adapter;

    private static async Task<(TestClient Client, string Sid, string Pid)> ConnectAsync(ServerFixture fixture, string? auth = null)
    {
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40" + auth);
        string answer = await client.ReceiveAsync();
        Match match = ConnectAnswer().Match(answer);
        Assert.True(match.Success, answer);
        return (client, match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>Checks the packet starts as expected and ends with one more string argument, the offset; returns it.</summary>
    private static string AssertEvent(string expectedStart, string packet)
    {
        Assert.StartsWith(expectedStart, packet, StringComparison.Ordinal);
        Assert.EndsWith("]", packet, StringComparison.Ordinal);
        JsonArray array = JsonNode.Parse(packet[packet.IndexOf('[', StringComparison.Ordinal)..])!.AsArray();
        string offset = array[^1]!.GetValue<string>();
        Assert.Equal(expectedStart + JsonSerializer.Serialize(offset) + "]", packet);
        return offset;
    }

    private static ClaimsPrincipal User(string id) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], authenticationType: "test"));

    [GeneratedRegex("^40(?:/[^,]*,)?\\{\"sid\":\"([A-Za-z0-9_-]{20})\",\"pid\":\"([A-Za-z0-9_-]{20})\"\\}$")]
    private static partial Regex ConnectAnswer();

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
