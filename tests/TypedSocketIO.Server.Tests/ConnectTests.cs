using System.Text.RegularExpressions;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

public sealed class ConnectTests
{
    [Fact]
    public async Task Connect_MainNamespace_AnswersSidAndRaisesConnection()
    {
        using var fixture = new ServerFixture();
        SocketIOSocket? connected = null;
        fixture.Server.OnConnection(socket => connected = socket);
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");
        string answer = await client.ReceiveAsync();

        Match match = Regex.Match(answer, "^40\\{\"sid\":\"([A-Za-z0-9_-]{20})\"\\}$");
        Assert.True(match.Success, answer);
        Assert.NotNull(connected);
        Assert.Equal(match.Groups[1].Value, connected.Id);
        Assert.True(connected.Connected);
        Assert.Same(connected, fixture.Server.MainNamespace.Sockets[connected.Id]);
        Assert.Contains(connected.Id, connected.Rooms);
    }

    [Fact]
    public async Task Connect_CustomNamespaceWithAuth_AnswersWithNamespaceAndExposesAuth()
    {
        using var fixture = new ServerFixture();
        string? token = null;
        fixture.Server.Of("/chat", ns => ns.OnConnection(s => token = s.Handshake.Auth.GetProperty("token").GetString()));
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40/chat,{\"token\":\"abc\"}");

        Assert.Matches("^40/chat,\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}$", await client.ReceiveAsync());
        Assert.Equal("abc", token);
    }

    [Fact]
    public async Task Connect_WithoutAuth_SeesEmptyAuthObject()
    {
        using var fixture = new ServerFixture();
        var (_, socket) = await fixture.ConnectAsync();

        Assert.Equal("{}", System.Text.Encoding.UTF8.GetString(socket.Handshake.AuthJson.Span));
        Assert.Equal(System.Text.Json.JsonValueKind.Object, socket.Handshake.Auth.ValueKind);
    }

    [Fact]
    public async Task Connect_UnknownNamespace_AnswersInvalidNamespaceAndKeepsConnection()
    {
        using var fixture = new ServerFixture();
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40/nope,");

        Assert.Equal("44/nope,{\"message\":\"Invalid namespace\"}", await client.ReceiveAsync());
        Assert.True(client.IsOpen);
        await client.ConnectAsync("/");
    }

    [Fact]
    public async Task Connect_TwoNamespacesOnOneConnection_GetDistinctSocketsAndSids()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/admin");
        TestClient client = fixture.CreateClient();

        string main = await client.ConnectAsync("/");
        string admin = await client.ConnectAsync("/admin");

        Assert.NotEqual(main, admin);
        Assert.Single(fixture.Server.MainNamespace.Sockets);
        Assert.Single(fixture.Server.Of("/admin").Sockets);
        Assert.Equal(1, fixture.Server.Diagnostics.ConnectionCount);
        Assert.Equal(2, fixture.Server.Diagnostics.SocketCount);
    }

    [Fact]
    public async Task Connect_SameNamespaceTwice_ClosesTheConnectionWithParseError()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        string? reason = null;
        socket.Disconnected += (_, r) => reason = r;

        await client.SendAsync("40");

        Assert.False(client.IsOpen);
        Assert.Equal("parse error", (await client.Transport.CloseReason).Reason);
        Assert.Equal("parse error", reason);
    }

    [Fact]
    public async Task Connect_NoNamespaceWithinConnectTimeout_ClosesTheConnection()
    {
        using var fixture = new ServerFixture(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(20));
        TestClient client = fixture.CreateClient();

        EngineIOCloseReason reason = await client.Transport.CloseReason.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("forced close", reason.Reason);
        Assert.Equal(0, fixture.Server.Diagnostics.ConnectionCount);
    }

    [Fact]
    public async Task Connect_NamespaceJoinedBeforeConnectTimeout_StaysOpen()
    {
        using var fixture = new ServerFixture(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(20));
        var (client, _) = await fixture.ConnectAsync();

        await Task.Delay(100);

        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task Connect_ManySockets_HaveUniqueRandomIds()
    {
        using var fixture = new ServerFixture();
        var ids = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            ids.Add(await fixture.CreateClient().ConnectAsync());
        }

        Assert.Equal(50, ids.Count);
    }

    [Fact]
    public async Task Connect_ClientLeaves_CountsReturnToZero()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat");
        var (a, socketA) = await fixture.ConnectAsync();
        await a.ConnectAsync("/chat");
        socketA.Join("lobby");
        var (b, _) = await fixture.ConnectAsync("/chat");

        await a.CloseFromEngineAsync("transport close");
        await b.CloseFromEngineAsync("transport close");

        SocketIOServerDiagnostics d = fixture.Server.Diagnostics;
        Assert.Equal(0, d.ConnectionCount);
        Assert.Equal(0, d.SocketCount);
        Assert.Equal(0, d.RoomCount);
        Assert.Equal(0, d.PendingAckCount);
        Assert.Equal(0, d.PendingBinaryPacketCount);
    }

    [Fact]
    public async Task Connect_EventRightAfterConnectWithAsyncMiddleware_IsDispatchedAfterTheConnection()
    {
        // socket.io 4.8.4 closes the session when "40␞42[…]" arrive together; here the EVENT waits for the CONNECT.
        using var fixture = new ServerFixture();
        var events = new List<string>();
        fixture.Server.Use(async (_, ct) =>
        {
            await Task.Delay(10, ct);
            events.Add("middleware");
        });
        fixture.Server.OnConnection(socket =>
        {
            events.Add("connection");
            socket.On("x", _ => events.Add("x"));
        });
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");
        await client.SendAsync("42[\"x\"]");

        Assert.Equal(["middleware", "connection", "x"], events);
        Assert.True(client.IsOpen);
    }
}
