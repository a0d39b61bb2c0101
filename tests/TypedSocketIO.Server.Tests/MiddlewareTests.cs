using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

public sealed class MiddlewareTests
{
    [Fact]
    public async Task Middleware_SeesHandshake_AndSetsData()
    {
        using var fixture = new ServerFixture();
        SocketIOHandshake? seen = null;
        fixture.Server.Use((socket, _) =>
        {
            seen = socket.Handshake;
            socket.Data = "user-" + socket.Handshake.Auth.GetProperty("token").GetString();
            return ValueTask.CompletedTask;
        });
        object? dataInHandler = null;
        fixture.Server.OnConnection(socket => dataInHandler = socket.Data);
        TestClient client = fixture.CreateClient(
            new Dictionary<string, StringValues> { ["X-Custom"] = "v" }, "?EIO=4&transport=polling&room=7");

        await client.ConnectAsync("/", "{\"token\":\"t1\"}");

        Assert.NotNull(seen);
        Assert.Equal("v", seen.Headers["X-Custom"].ToString());
        Assert.Equal("7", seen.Query["room"].ToString());
        Assert.Equal(IPAddress.Loopback, seen.RemoteAddress);
        Assert.Equal("/socket.io/?EIO=4&transport=polling&room=7", seen.Url);
        Assert.Equal(2026, seen.IssuedAt.Year);
        Assert.Equal("user-t1", dataInHandler);
    }

    [Fact]
    public async Task Middleware_Rejects_ClientGetsConnectErrorWithMessageAndData()
    {
        using var fixture = new ServerFixture();
        bool connected = false;
        fixture.Server.Of("/admin", ns => ns
            .Use((socket, _) =>
            {
                socket.Join("should-not-stay");
                using JsonDocument data = JsonDocument.Parse("{\"code\":42}");
                throw new SocketIOConnectionRejectedException("not authorized", data.RootElement);
            })
            .OnConnection(_ => connected = true));
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40/admin,");

        Assert.Equal("44/admin,{\"message\":\"not authorized\",\"data\":{\"code\":42}}", await client.ReceiveAsync());
        Assert.False(connected);
        Assert.Empty(fixture.Server.Of("/admin").Sockets);
        Assert.Equal(0, fixture.Server.Diagnostics.GetRoomCount("/admin"));
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task Middleware_RejectsWithoutData_OmitsData()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Use((_, _) => throw new SocketIOConnectionRejectedException("nope"));
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");

        Assert.Equal("44{\"message\":\"nope\"}", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Middleware_UnexpectedException_IsNotLeakedToTheClient()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Use((_, _) => throw new InvalidOperationException("db password is hunter2"));
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");

        Assert.Equal("44{\"message\":\"Internal server error\"}", await client.ReceiveAsync());
        Assert.Equal(1, fixture.Logs.Count("MiddlewareFailed"));
    }

    [Fact]
    public async Task Middleware_RunInOrder_AndStopAtTheFirstRejection()
    {
        using var fixture = new ServerFixture();
        var calls = new List<int>();
        fixture.Server.Use((_, _) => { calls.Add(1); return ValueTask.CompletedTask; });
        fixture.Server.Use(async (_, _) => { await Task.Yield(); calls.Add(2); throw new SocketIOConnectionRejectedException("stop"); });
        fixture.Server.Use((_, _) => { calls.Add(3); return ValueTask.CompletedTask; });
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");

        Assert.Equal("44{\"message\":\"stop\"}", await client.ReceiveAsync());
        Assert.Equal([1, 2], calls);
    }

    [Fact]
    public async Task Middleware_AfterRejection_ClientMayRetry()
    {
        using var fixture = new ServerFixture();
        int attempts = 0;
        fixture.Server.Use((_, _) => ++attempts == 1 ? throw new SocketIOConnectionRejectedException("again") : ValueTask.CompletedTask);
        TestClient client = fixture.CreateClient();

        await client.SendAsync("40");
        await client.ReceiveAsync();
        await client.ConnectAsync();

        Assert.Single(fixture.Server.MainNamespace.Sockets);
    }

    [Fact]
    public async Task Middleware_OfOneNamespace_DoesNotRunForAnother()
    {
        using var fixture = new ServerFixture();
        fixture.Server.Of("/locked").Use((_, _) => throw new SocketIOConnectionRejectedException("locked"));
        TestClient client = fixture.CreateClient();

        await client.ConnectAsync("/");
        await client.SendAsync("40/locked,");

        Assert.Equal("44/locked,{\"message\":\"locked\"}", await client.ReceiveAsync());
    }
}
