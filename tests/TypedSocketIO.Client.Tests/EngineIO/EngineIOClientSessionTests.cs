using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>The Engine.IO client against our own Engine.IO server, over real sockets on 127.0.0.1.</summary>
public sealed class EngineIOClientSessionTests
{
    private static readonly byte[] Bytes123 = [1, 2, 3];

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    [InlineData(TransportMode.Upgrade)]
    public async Task Open_HandshakeValues_QueryAndHeaders_TextAndBinaryEcho(TransportMode mode)
    {
        await using var server = await EngineIOEchoServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(1500);
            o.PingTimeout = TimeSpan.FromMilliseconds(1200);
            o.MaxHttpBufferSize = 50_000;
        });
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(server.BaseUri, mode), handler, mode);
        EngineIOConnection connection = await server.WaitOpenedAsync();

        Assert.Equal(connection.Id, session.Sid);
        Assert.Equal(50_000, session.MaxPayload);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), session.Handshake!.PingInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), session.Handshake.PingTimeout);
        Assert.Equal(mode == TransportMode.WebSocket ? [] : ["websocket"], session.Handshake.Upgrades);
        Assert.Equal(TestSessions.ExpectedTransport(mode), session.Transport);
        Assert.Equal("a b&c", connection.Handshake.Query["q"].ToString());
        Assert.Equal("header-value", connection.Handshake.Headers["x-test"].ToString());

        Assert.True(session.TrySend(EngineIOMessage.Text(Encoding.UTF8.GetBytes("héllo ☃"))));
        Assert.True(session.TrySend(EngineIOMessage.Binary(Bytes123)));
        Assert.Equal("text héllo ☃", await handler.NextAsync());
        Assert.Equal("binary 010203", await handler.NextAsync());
        Assert.Equal(TestSessions.ExpectedTransport(mode), connection.Transport);
        Assert.False(handler.Overlapped);
    }

    [Fact]
    public async Task Upgrade_MessagesSentThroughoutTheUpgrade_ArriveAndComeBackInOrder()
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(
            TestSessions.Options(server.BaseUri, TransportMode.Upgrade), handler, TransportMode.Upgrade, waitForUpgrade: false);
        Assert.Equal("polling", session.Transport);

        // Keep sending while the probe, the pause and the switch happen, then a little more over WebSocket.
        var expected = new List<string>();
        int i = 0;
        int afterUpgrade = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (afterUpgrade < 50 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            for (int k = 0; k < 5; k++, i++)
            {
                if (i % 3 == 2)
                {
                    byte[] data = BitConverter.GetBytes(i);
                    Assert.True(session.TrySend(EngineIOMessage.Binary(data)));
                    expected.Add("binary " + Convert.ToHexString(data));
                }
                else
                {
                    Assert.True(session.TrySend(EngineIOMessage.Text(Encoding.UTF8.GetBytes("m" + i))));
                    expected.Add("text m" + i);
                }
            }

            if (session.Transport == "websocket")
            {
                afterUpgrade += 5;
            }

            await Task.Delay(2);
        }

        Assert.Equal("websocket", session.Transport);
        var received = new List<string>();
        foreach (string _ in expected)
        {
            received.Add(await handler.NextAsync());
        }

        Assert.Equal(expected, received);
        Assert.Equal(expected, server.Received.ToArray());
        Assert.False(handler.Overlapped);
        Assert.Equal(0, handler.CloseCount);
    }

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    [InlineData(TransportMode.Upgrade)]
    public async Task Heartbeat_PingsAnswered_SessionStaysOpenAcrossManyIntervals(TransportMode mode)
    {
        await using var server = await EngineIOEchoServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingTimeout = TimeSpan.FromMilliseconds(1000);
        });
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(server.BaseUri, mode), handler, mode);

        // Twelve ping intervals: a missed pong would close on the server (after 1.2 s), a missed ping on the client; a
        // stall of the loaded machine shorter than the timeout does not.
        await Task.Delay(2500);
        Assert.False(handler.Closed.Task.IsCompleted, "the session closed: " + (handler.Closed.Task.IsCompleted ? (await handler.Closed.Task).ToString() : ""));
        Assert.True(server.ClosedReasons.Reader.Count == 0, "the server closed the session");
        Assert.True(session.TrySend(EngineIOMessage.Text("still here"u8.ToArray())));
        Assert.Equal("text still here", await handler.NextAsync());
    }

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    [InlineData(TransportMode.Upgrade)]
    public async Task PingTimeout_WhenTheServerGoesSilent_ClosesWithPingTimeout(TransportMode mode)
    {
        await using var server = await EngineIOEchoServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using var proxy = new FreezableTcpProxy(server.BaseUri);
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(proxy.Uri, mode), handler, mode);
        Assert.True(session.TrySend(EngineIOMessage.Text("a"u8.ToArray())));
        Assert.Equal("text a", await handler.NextAsync());

        proxy.Freeze();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (string reason, _) = await handler.WaitClosedAsync(5);
        Assert.Equal("ping timeout", reason);

        // pingInterval + pingTimeout = 400 ms after the last ping, so well under three seconds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), clock.Elapsed.ToString());
        Assert.False(session.TrySend(EngineIOMessage.Text("b"u8.ToArray())));
        await Task.Delay(50);
        Assert.Equal(1, handler.CloseCount);
    }

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    [InlineData(TransportMode.Upgrade)]
    public async Task ServerCloses_ClientSeesTransportClose_Once(TransportMode mode)
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(server.BaseUri, mode), handler, mode);
        EngineIOConnection connection = await server.WaitOpenedAsync();

        await connection.CloseAsync();
        (string reason, _) = await handler.WaitClosedAsync();
        Assert.Equal("transport close", reason);
        await session.CloseAsync();
        Assert.Equal(1, handler.CloseCount);
    }

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    [InlineData(TransportMode.Upgrade)]
    public async Task ClientCloses_QueuedMessagesWrittenFirst_ForcedCloseOnce_ServerSeesTheClose(TransportMode mode)
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(server.BaseUri, mode), handler, mode);
        Assert.True(session.TrySend(EngineIOMessage.Text("last words"u8.ToArray())));

        await session.CloseAsync();
        Assert.Equal("forced close", (await handler.WaitClosedAsync()).Reason);
        Assert.Equal("transport close", (await server.WaitClosedAsync()).Reason);
        Assert.Equal(["text last words"], server.Received.ToArray());
        Assert.False(session.TrySend(EngineIOMessage.Text("too late"u8.ToArray())));
        await session.DisposeAsync();
        await session.CloseAsync();
        Assert.Equal(1, handler.CloseCount);
    }

    [Fact]
    public async Task Polling_HttpErrorOnHandshake_ThrowsWithStatusAndBody_NoOnClose()
    {
        await using var server = await EngineIOEchoServer.StartAsync(o => o.AllowRequest = _ => ValueTask.FromResult<string?>("go away"));
        var handler = new RecordingClientHandler();
        await using var session = new EngineIOClientSession(TestSessions.Options(server.BaseUri, TransportMode.Polling), handler, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<EngineIOClientException>(() => session.OpenAsync(CancellationToken.None));
        Assert.Equal(403, error.StatusCode);
        Assert.Contains("go away", error.ResponseBody, StringComparison.Ordinal);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.CloseCount);
    }

    [Fact]
    public async Task WebSocket_RefusedHandshake_ThrowsWithStatus()
    {
        await using var server = await EngineIOEchoServer.StartAsync(o => o.AllowRequest = _ => ValueTask.FromResult<string?>("go away"));
        var handler = new RecordingClientHandler();
        await using var session = new EngineIOClientSession(TestSessions.Options(server.BaseUri, TransportMode.WebSocket), handler, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<EngineIOClientException>(() => session.OpenAsync(CancellationToken.None));
        Assert.Equal(403, error.StatusCode);
        Assert.Equal(0, handler.CloseCount);
    }

    [Fact]
    public async Task Polling_UnknownPath_ThrowsWithStatus404()
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        EngineIOClientOptions options = TestSessions.Options(server.BaseUri, TransportMode.Polling, o => new EngineIOClientOptions { ServerUri = o.ServerUri, Path = "/nothing-here" });
        await using var session = new EngineIOClientSession(options, handler, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<EngineIOClientException>(() => session.OpenAsync(CancellationToken.None));
        Assert.Equal(404, error.StatusCode);
    }

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    public async Task Handshake_ServerNeverAnswers_TimeoutException(TransportMode mode)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var uri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        var handler = new RecordingClientHandler();
        EngineIOClientOptions options = TestSessions.Options(uri, mode, o => new EngineIOClientOptions
        {
            ServerUri = o.ServerUri,
            AllowPolling = o.AllowPolling,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
        });
        await using var session = new EngineIOClientSession(options, handler, NullLogger.Instance);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => session.OpenAsync(CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
        Assert.Equal(0, handler.CloseCount);
    }

    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    public async Task MessageOverMaxReceiveSize_ClosesWithParseError(TransportMode mode)
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        EngineIOClientOptions options = TestSessions.Options(server.BaseUri, mode, o => new EngineIOClientOptions
        {
            ServerUri = o.ServerUri,
            Path = o.Path,
            AllowPolling = o.AllowPolling,
            Upgrade = false,
            MaxReceiveSize = 1000,
        });
        await using EngineIOClientSession session = await TestSessions.OpenAsync(options, handler, mode);

        Assert.True(session.TrySend(EngineIOMessage.Text("small"u8.ToArray())));
        Assert.Equal("text small", await handler.NextAsync());
        Assert.True(session.TrySend(EngineIOMessage.Text(Encoding.ASCII.GetBytes(new string('x', 2000)))));
        (string reason, Exception? error) = await handler.WaitClosedAsync();
        Assert.Equal("parse error", reason);
        Assert.Contains("MaxReceiveSize", error!.Message, StringComparison.Ordinal);
        Assert.Equal("transport close", (await server.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task Polling_PostsAreSplitAtTheServersMaxPayload()
    {
        await using var server = await EngineIOEchoServer.StartAsync(o => o.MaxHttpBufferSize = 1000);
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(server.BaseUri, TransportMode.Polling), handler, TransportMode.Polling);
        Assert.Equal(1000, session.MaxPayload);

        // 20 × ~300 bytes queued at once: a single POST would be answered 413 and close the session.
        var expected = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            string text = i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + new string('y', 297);
            expected.Add("text " + text);
            Assert.True(i % 4 == 3
                ? session.TrySend(EngineIOMessage.Binary(Encoding.ASCII.GetBytes(text)))
                : session.TrySend(EngineIOMessage.Text(Encoding.ASCII.GetBytes(text))));
            if (i % 4 == 3)
            {
                expected[^1] = "binary " + Convert.ToHexString(Encoding.ASCII.GetBytes(text));
            }
        }

        var received = new List<string>();
        foreach (string _ in expected)
        {
            received.Add(await handler.NextAsync());
        }

        Assert.Equal(expected, received);
        Assert.Equal(0, handler.CloseCount);
    }

    [Fact]
    public async Task TrySend_OverMaxOutgoingBufferSize_FailsAndClosesWithTransportError()
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        EngineIOClientOptions options = TestSessions.Options(server.BaseUri, TransportMode.WebSocket, o => new EngineIOClientOptions
        {
            ServerUri = o.ServerUri,
            Path = o.Path,
            AllowPolling = false,
            MaxOutgoingBufferSize = 1000,
        });
        await using EngineIOClientSession session = await TestSessions.OpenAsync(options, handler, TransportMode.WebSocket);

        Assert.False(session.TrySend(EngineIOMessage.Binary(new byte[1001])));
        (string reason, Exception? error) = await handler.WaitClosedAsync();
        Assert.Equal("transport error", reason);
        Assert.Contains("MaxOutgoingBufferSize", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrySend_SeveralMessages_AreConsecutive_AndIsWritableNowReflectsTheQueue()
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(server.BaseUri, TransportMode.WebSocket), handler, TransportMode.WebSocket);
        await TestSessions.WaitUntilAsync(() => session.IsWritableNow, "an idle session");

        EngineIOMessage[] packet = [EngineIOMessage.Text("451-[\"x\",{\"_placeholder\":true,\"num\":0}]"u8.ToArray()), EngineIOMessage.Binary(Bytes123)];
        Assert.True(session.TrySend(packet));
        Assert.Equal("text 451-[\"x\",{\"_placeholder\":true,\"num\":0}]", await handler.NextAsync());
        Assert.Equal("binary 010203", await handler.NextAsync());
        await TestSessions.WaitUntilAsync(() => session.IsWritableNow, "an idle session");
        await session.CloseAsync();
        Assert.False(session.IsWritableNow);
    }
}
