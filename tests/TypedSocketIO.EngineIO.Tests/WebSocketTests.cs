using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>The WebSocket transport through ASP.NET Core's WebSocket middleware.</summary>
public sealed class AspNetCoreWebSocketTests : WebSocketTests
{
    protected override bool KestrelTransport => false;
}

/// <summary>The same behaviour on the lean transport on Kestrel's connection pipes.</summary>
public sealed class KestrelWebSocketTests : WebSocketTests
{
    protected override bool KestrelTransport => true;
}

/// <summary>WebSocket sessions, run on each WebSocket transport.</summary>
public abstract class WebSocketTests
{
    protected abstract bool KestrelTransport { get; }

    private Task<EngineIOTestServer> StartAsync(Action<EngineIOOptions>? configure = null) => EngineIOTestServer.StartAsync(o =>
    {
        o.KestrelWebSocketTransport = KestrelTransport;
        configure?.Invoke(o);
    });

    [Fact]
    public async Task DirectWebSocket_HandshakeAndEchoOfTextAndBinary()
    {
        await using var server = await StartAsync();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);

        string open = await ws.ReceiveTextAsync();
        Assert.Equal('0', open[0]);
        using (var doc = JsonDocument.Parse(open[1..]))
        {
            Assert.Equal("[]", doc.RootElement.GetProperty("upgrades").GetRawText());
        }

        await ws.SendTextAsync("4héllo");
        Assert.Equal("4héllo", await ws.ReceiveTextAsync());

        await ws.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        (WebSocketMessageType type, byte[] data) = await ws.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3 }, data);
        Assert.Equal(1, server.Engine.CountByTransport("websocket"));
        Assert.Equal(KestrelTransport ? 1 : 0, server.KestrelWebSocketsAccepted);

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        Assert.Equal("transport close", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal(0, server.Engine.SessionCount);
    }

    [Fact]
    public async Task HandlerThatAwaits_WhatItSentBeforeAwaitingLeavesAtOnce()
    {
        // The read loop writes what a handler queues to its own socket itself; a handler that goes asynchronous must not hold
        // back what it already sent (the client gets "held" while the handler still waits).
        await using var server = await StartAsync();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        Assert.Equal('0', (await ws.ReceiveTextAsync())[0]);

        await ws.SendTextAsync("4hold");
        Assert.Equal("4held", await ws.ReceiveTextAsync());
        server.Handler.Hold.SetResult();
        Assert.Equal("4released", await ws.ReceiveTextAsync());

        await ws.SendTextAsync("4after");
        Assert.Equal("4after", await ws.ReceiveTextAsync());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task Upgrade_FromPolling_ProbeNoopAndNoMessageLost()
    {
        await using var server = await StartAsync();
        string sid = await server.HandshakePollingAsync();
        Task<string> pendingPoll = server.PollAsync(sid);
        await Task.Delay(50);

        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri($"EIO=4&transport=websocket&sid={sid}"), CancellationToken.None);
        await ws.SendTextAsync("2probe");
        Assert.Equal("3probe", await ws.ReceiveTextAsync());

        // Sent while the upgrade is not complete yet: with a poll pending, the message goes to it at once (as the official
        // server flushes to a writable transport); with none, it waits and arrives over the WebSocket once the upgrade completes.
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        Assert.True(connection.TrySend(EngineIOMessage.Text("early"u8.ToArray())));
        Assert.Equal("4early", await pendingPoll);
        Assert.True(connection.TrySend(EngineIOMessage.Text("during"u8.ToArray())));
        await ws.SendTextAsync("5");
        Assert.Equal("4during", await ws.ReceiveTextAsync());
        Assert.Equal("websocket", connection.Transport);

        await ws.SendTextAsync("4after");
        Assert.Equal("4after", await ws.ReceiveTextAsync());
        Assert.Equal(1, server.Engine.CountByTransport("websocket"));
        Assert.Equal(0, server.Engine.CountByTransport("polling"));

        // Polling is over for this session, and a second WebSocket is closed at once.
        using HttpResponseMessage poll = await server.Http.GetAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}");
        Assert.Equal(400, (int)poll.StatusCode);
        using var second = new ClientWebSocket();
        await second.ConnectAsync(server.WebSocketUri($"EIO=4&transport=websocket&sid={sid}"), CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, (await second.ReceiveMessageAsync()).Type);
        await ws.SendTextAsync("4still");
        Assert.Equal("4still", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task Heartbeat_OverWebSocket_PongKeepsAliveAndSilenceTimesOut()
    {
        await using var server = await StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(100);
            o.PingTimeout = TimeSpan.FromMilliseconds(1000);
        });
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("2", await ws.ReceiveTextAsync());
            await ws.SendTextAsync("3");
        }

        Assert.Equal("2", await ws.ReceiveTextAsync());
        Assert.Equal("ping timeout", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task OversizeMessage_ClosesWith1009_AndOtherSessionsKeepWorking()
    {
        await using var server = await StartAsync(o => o.MaxHttpBufferSize = 1000);
        using var healthy = new ClientWebSocket();
        await healthy.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await healthy.ReceiveTextAsync();

        using var attacker = new ClientWebSocket();
        await attacker.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await attacker.ReceiveTextAsync();
        await attacker.SendTextAsync("4" + new string('x', 5000));
        (WebSocketMessageType type, _) = await attacker.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, attacker.CloseStatus);
        Assert.Equal("transport error", (await server.Handler.WaitClosedAsync()).Reason);

        await healthy.SendTextAsync("4fine");
        Assert.Equal("4fine", await healthy.ReceiveTextAsync());
    }

    [Fact]
    public async Task TooManyFragments_ClosesTheSession()
    {
        await using var server = await StartAsync(o => o.MaxWebSocketFragments = 8);
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();
        await ws.SendAsync("4"u8.ToArray(), WebSocketMessageType.Text, false, CancellationToken.None);
        for (int i = 0; i < 20; i++)
        {
            await ws.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, false, CancellationToken.None);
        }

        Assert.Equal("transport error", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task GarbageText_ClosesWithParseError(string frame)
    {
        await using var server = await StartAsync();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();
        await ws.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("parse error", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task ServerShutdown_ClosesSessionsWithServerShuttingDown()
    {
        var server = await StartAsync();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();
        string sid = await server.HandshakePollingAsync();
        Task<string> poll = server.PollAsync(sid);
        await Task.Delay(50);

        Task stopping = server.DisposeAsync().AsTask();
        Assert.Equal("1", await poll);
        (WebSocketMessageType type, _) = await ws.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Close, type);
        await stopping;
        Assert.Equal("server shutting down", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal("server shutting down", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task UpgradeNeverFinished_TheProbeIsDroppedAfterUpgradeTimeout_AndPollingGoesOn()
    {
        // socketioxide #732: an upgrade started but never finished must not keep anything alive.
        await using var server = await StartAsync(o => o.UpgradeTimeout = TimeSpan.FromMilliseconds(300));
        string sid = await server.HandshakePollingAsync();
        using var probe = new ClientWebSocket();
        await probe.ConnectAsync(server.WebSocketUri($"EIO=4&transport=websocket&sid={sid}"), CancellationToken.None);

        // Nothing is sent on the probe: the server drops it (closed or aborted) once the upgrade timeout has passed; a server
        // that kept it would let the receive below run into its own 10 s timeout, which fails the test.
        WebSocketMessageType? received = null;
        WebSocketException? aborted = null;
        try
        {
            (received, _) = await probe.ReceiveMessageAsync();
        }
        catch (WebSocketException ex)
        {
            aborted = ex;
        }

        Assert.True(aborted is not null || received == WebSocketMessageType.Close, $"the probe is still open (received {received})");

        using HttpResponseMessage post = await server.PostAsync(sid, "4still polling");
        Assert.Equal("4still polling", await server.PollAsync(sid));
        Assert.Equal("polling", server.Engine.TryGetConnection(sid, out EngineIOConnection? connection) ? connection.Transport : null);
    }

    [Fact]
    public async Task PongFlood_IsIgnored_AndTheHeartbeatGoesOn()
    {
        // CVE-2026-48802: unsolicited pongs must schedule nothing and change nothing.
        await using var server = await StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingTimeout = TimeSpan.FromMilliseconds(1000);
        });
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        await ws.ReceiveTextAsync();
        for (int i = 0; i < 2000; i++)
        {
            await ws.SendTextAsync("3");
        }

        Assert.Equal("2", await ws.ReceiveTextAsync());
        await ws.SendTextAsync("3");
        await ws.SendTextAsync("4alive");
        Assert.Equal("4alive", await ws.ReceiveTextAsync());
        Assert.Equal(1, server.Engine.SessionCount);
    }
}
