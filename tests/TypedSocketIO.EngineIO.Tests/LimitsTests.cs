using System.Net.WebSockets;
using System.Text.Json;
using TypedSocketIO.EngineIO.Internal.Transports;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>The Engine.IO limits at the bound and one past it, on both WebSocket transports (the outgoing bound: <see cref="BackPressureTests"/>).</summary>
public abstract class LimitsTests
{
    protected abstract bool KestrelTransport { get; }

    [Fact]
    public void Defaults_AreTheDecidedOnes()
    {
        var options = new EngineIOOptions();
        Assert.Equal(TimeSpan.FromSeconds(10), options.SendTimeout);
        Assert.Equal(131_072, options.MaxWebSocketFragments);
        Assert.Equal(1024 * 1024, options.MaxOutgoingBufferSize);
        Assert.Equal(1_000_000, options.MaxHttpBufferSize);
    }

    [Fact]
    public async Task WebSocketFragments_AtTheLimitDelivered_OnePastClosesTheSession()
    {
        const int limit = 8;
        await using var server = await StartAsync(o => o.MaxWebSocketFragments = limit);
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();

        await SendInFramesAsync(ws, limit, "at");
        Assert.Equal("4at", await ws.ReceiveTextAsync());

        await SendInFramesAsync(ws, limit + 1, "past");
        EngineIOCloseReason reason = await server.Handler.WaitClosedAsync();
        Assert.Equal("transport error", reason.Reason);
        Assert.Contains($"EngineIOOptions.MaxWebSocketFragments ({limit})", reason.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("text past", server.Handler.Events);
    }

    [Fact]
    public async Task MaxHttpBufferSize_AWebSocketMessageAtTheLimitDelivered_OneBytePastClosesTheSession()
    {
        await using var server = await StartAsync(o => o.MaxHttpBufferSize = 100);
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();

        string atLimit = "4" + new string('a', 99); // the whole message, type digit included: 100 bytes
        await ws.SendTextAsync(atLimit);
        Assert.Equal(atLimit, await ws.ReceiveTextAsync());

        await ws.SendTextAsync("4" + new string('b', 100));
        EngineIOCloseReason reason = await server.Handler.WaitClosedAsync();
        Assert.Equal("transport error", reason.Reason);
        Assert.Contains("EngineIOOptions.MaxHttpBufferSize (100 bytes)", reason.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxHttpBufferSize_APollingPostAtTheLimitAccepted_OneBytePastIs413AndCloses()
    {
        await using var server = await StartAsync(o => o.MaxHttpBufferSize = 100);
        string sid = await server.HandshakePollingAsync();

        string atLimit = "4" + new string('a', 99);
        using (HttpResponseMessage ok = await server.PostAsync(sid, atLimit))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(atLimit, await server.PollAsync(sid));
        using HttpResponseMessage past = await server.PostAsync(sid, "4" + new string('b', 100));
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, past.StatusCode);
        Assert.DoesNotContain("text " + new string('b', 100), server.Handler.Events);
        Assert.Equal("transport error", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task SendTimeout_AWriteBlockedExactlyThatLongStays_OneMillisecondMoreDropsTheConnection()
    {
        // An hour: the server's own ticker never fires it during the test; the test calls the check with chosen clocks.
        TimeSpan timeout = TimeSpan.FromHours(1);
        await using var server = await StartAsync(o =>
        {
            o.SendTimeout = timeout;
            o.MaxOutgoingBufferSize = 64 * 1024 * 1024;
        });
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        EngineIOConnection connection = Connection(server, await ws.ReceiveTextAsync());
        WebSocketTransport transport;
        lock (connection.SyncRoot)
        {
            transport = Assert.IsAssignableFrom<WebSocketTransport>(connection.TransportUnderLock);
        }

        // The client reads nothing more: send until a write stays blocked (everything sent waits, and the write's start does not move).
        byte[] payload = new byte[256 * 1024];
        long started;
        for (int round = 0; ; round++)
        {
            Assert.True(round < 200, "no write ever blocked");
            Assert.True(connection.TrySend(EngineIOMessage.Binary(payload)));
            Task<bool> written = connection.WaitForCapacityAsync(0).AsTask();
            if (await Task.WhenAny(written, Task.Delay(500)) == written)
            {
                continue;
            }

            started = transport.SendStartedAt;
            if (started != 0 && await StaysAsync(transport, started))
            {
                break;
            }
        }

        transport.CheckSendTimeout(started + (long)timeout.TotalMilliseconds);
        Assert.Equal(started, transport.SendStartedAt); // at the limit: left alone
        Assert.True(connection.IsOpen);

        transport.CheckSendTimeout(started + (long)timeout.TotalMilliseconds + 1);
        Assert.Equal(0, transport.SendStartedAt); // one past: dropped
        EngineIOCloseReason reason = await server.Handler.WaitClosedAsync();
        Assert.Equal("transport error", reason.Reason);
        Assert.Equal("a WebSocket write took longer than EngineIOOptions.SendTimeout (01:00:00)", reason.Description);
        Assert.False(connection.IsOpen);
    }

    /// <summary>Whether the write that started at <paramref name="started"/> is still the one in progress a moment later.</summary>
    private static async Task<bool> StaysAsync(WebSocketTransport transport, long started)
    {
        for (int i = 0; i < 10; i++)
        {
            await Task.Delay(50);
            if (transport.SendStartedAt != started)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sends "4" + <paramref name="text"/> as one text message in exactly <paramref name="frames"/> frames (empty ones in between).</summary>
    private static async Task SendInFramesAsync(ClientWebSocket ws, int frames, string text)
    {
        await ws.SendAsync("4"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        for (int i = 0; i < frames - 2; i++)
        {
            await ws.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        }

        await ws.SendAsync(System.Text.Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
    }

    private Task<EngineIOTestServer> StartAsync(Action<EngineIOOptions> configure) => EngineIOTestServer.StartAsync(o =>
    {
        o.KestrelWebSocketTransport = KestrelTransport;
        configure(o);
    });

    private static EngineIOConnection Connection(EngineIOTestServer server, string open)
    {
        using var doc = JsonDocument.Parse(open[1..]);
        Assert.True(server.Engine.TryGetConnection(doc.RootElement.GetProperty("sid").GetString()!, out EngineIOConnection? connection));
        return connection;
    }
}

/// <summary>On ASP.NET Core's WebSocket middleware.</summary>
public sealed class AspNetCoreLimitsTests : LimitsTests
{
    protected override bool KestrelTransport => false;
}

/// <summary>On the lean Kestrel transport.</summary>
public sealed class KestrelLimitsTests : LimitsTests
{
    protected override bool KestrelTransport => true;
}
