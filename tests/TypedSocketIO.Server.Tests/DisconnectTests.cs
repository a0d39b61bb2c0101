using TypedSocketIO.Server.Tests.Harness;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests;

public sealed class DisconnectTests
{
    [Fact]
    public async Task ClientNamespaceDisconnect_RaisesDisconnectingWithRoomsThenDisconnected()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        socket.Join("lobby");
        var events = new List<string>();
        socket.Disconnecting += (s, reason) => events.Add($"disconnecting:{reason}:{s.Rooms.Contains("lobby")}");
        socket.Disconnected += (s, reason) => events.Add($"disconnected:{reason}:{s.Rooms.Count}");

        await client.SendAsync("41");

        Assert.Equal(["disconnecting:client namespace disconnect:True", "disconnected:client namespace disconnect:0"], events);
        Assert.True(client.IsOpen);
        Assert.Empty(fixture.Server.MainNamespace.Sockets);
    }

    [Fact]
    public async Task ServerDisconnect_SendsDisconnectPacket_AndKeepsOtherNamespaces()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat");
        TestClient client = fixture.CreateClient();
        string chatSid = await client.ConnectAsync("/chat");
        await client.ConnectAsync("/");
        SocketIOSocket chat = fixture.Server.Of("/chat").Sockets[chatSid];

        chat.Disconnect();

        Assert.Equal("41/chat,", await client.ReceiveAsync());
        Assert.Equal("server namespace disconnect", chat.DisconnectReason);
        Assert.True(client.IsOpen);
        Assert.Single(fixture.Server.MainNamespace.Sockets);
    }

    [Fact]
    public async Task ServerDisconnectWithClose_DisconnectsEverySocketAndClosesTheConnection()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat");
        TestClient client = fixture.CreateClient();
        string mainSid = await client.ConnectAsync("/");
        await client.ConnectAsync("/chat");
        SocketIOSocket main = fixture.Server.MainNamespace.Sockets[mainSid];

        main.Disconnect(close: true);

        Assert.False(client.IsOpen);
        Assert.Equal("server namespace disconnect", main.DisconnectReason);
        Assert.Equal(0, fixture.Server.Diagnostics.SocketCount);
        Assert.Equal(0, fixture.Server.Diagnostics.ConnectionCount);
    }

    [Theory]
    [InlineData("transport close")]
    [InlineData("transport error")]
    [InlineData("ping timeout")]
    [InlineData("parse error")]
    [InlineData("forced close")]
    public async Task EngineIOClose_GivesItsReasonToEverySocket(string reason)
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/chat");
        TestClient client = fixture.CreateClient();
        string a = await client.ConnectAsync("/");
        string b = await client.ConnectAsync("/chat");
        var reasons = new List<string>();
        fixture.Server.MainNamespace.Sockets[a].Disconnected += (_, r) => reasons.Add(r);
        fixture.Server.Of("/chat").Sockets[b].Disconnected += (_, r) => reasons.Add(r);

        await client.CloseFromEngineAsync(reason);

        Assert.Equal([reason, reason], reasons);
        Assert.Equal(0, fixture.Server.Diagnostics.SocketCount);
    }

    [Fact]
    public async Task Shutdown_TellsSockets_FailsPendingAcks_ClosesConnections()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        var (other, _) = await fixture.ConnectAsync();
        string? reason = null;
        socket.Disconnected += (_, r) => reason = r;
        Task<SocketIOArguments> pending = socket.EmitWithAckAsync("q");

        await fixture.Server.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("server shutting down", reason);
        var error = await Assert.ThrowsAsync<SocketIODisconnectedException>(() => pending);
        Assert.Equal("server shutting down", error.Reason);
        Assert.False(client.IsOpen);
        Assert.False(other.IsOpen);
        Assert.Equal("server shutting down", (await client.Transport.CloseReason).Reason);
        Assert.Equal(0, fixture.Server.Diagnostics.ConnectionCount);
        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task DisconnectedHandlerThrows_IsLogged_AndCleanupCompletes()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();
        socket.Disconnected += (_, _) => throw new InvalidOperationException("bug");

        await client.CloseFromEngineAsync("transport close");

        Assert.Equal(1, fixture.Logs.Count("HandlerFailed"));
        Assert.Equal(0, fixture.Server.Diagnostics.SocketCount);
    }

    [Fact]
    public async Task DisconnectedToken_IsCancelled()
    {
        using var fixture = new ServerFixture();
        var (client, socket) = await fixture.ConnectAsync();

        await client.SendAsync("41");

        Assert.True(socket.DisconnectedToken.IsCancellationRequested);
    }

    [Fact]
    public async Task AfterShutdown_NewConnectIsClosed()
    {
        using var fixture = new ServerFixture();
        await fixture.Server.ShutdownAsync();
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");

        Assert.Equal("server shutting down", (await client.Transport.CloseReason).Reason);
        Assert.Empty(fixture.Server.MainNamespace.Sockets);
    }
}
