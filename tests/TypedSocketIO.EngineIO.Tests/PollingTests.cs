using System.Net;
using System.Text.Json;

namespace TypedSocketIO.EngineIO.Tests;

public sealed class PollingTests
{
    [Fact]
    public async Task Handshake_OverPolling_SendsOpenPacketWithDefaults()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using HttpResponseMessage response = await server.Http.GetAsync("/engine.io/?EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal('0', body[0]);
        using var doc = JsonDocument.Parse(body[1..]);
        JsonElement open = doc.RootElement;
        Assert.Equal(20, open.GetProperty("sid").GetString()!.Length);
        Assert.Equal("[\"websocket\"]", open.GetProperty("upgrades").GetRawText());
        Assert.Equal(25000, open.GetProperty("pingInterval").GetInt32());
        Assert.Equal(20000, open.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1000000, open.GetProperty("maxPayload").GetInt32());
        Assert.Equal(1, server.Handler.Events.Count(e => e == "open polling"));

        // A handler reaches the endpoint's counts through the connection.
        Assert.True(server.Engine.TryGetConnection(open.GetProperty("sid").GetString()!, out EngineIOConnection? connection));
        Assert.Same(server.Engine, connection.Server);
        Assert.Equal(1, connection.Server.CountByTransport("polling"));
    }

    [Fact]
    public async Task Post_TextAndBinaryPackets_AreEchoedInOrderOnNextPoll()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        using HttpResponseMessage post = await server.PostAsync(sid, "4hello\u001ebAQID\u001e4€uro");
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("ok", await post.Content.ReadAsStringAsync());
        Assert.Equal("4hello\u001ebAQID\u001e4€uro", await server.PollAsync(sid));
    }

    [Fact]
    public async Task Poll_WaitsUntilSomethingIsSent()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        Task<string> poll = server.PollAsync(sid);
        await Task.Delay(100);
        Assert.False(poll.IsCompleted);
        using HttpResponseMessage post = await server.PostAsync(sid, "4late");
        Assert.Equal("4late", await poll);
    }

    [Theory]
    [InlineData("/engine.io/?EIO=4&transport=carrier-pigeon", 400, 0, "Transport unknown")]
    [InlineData("/engine.io/?EIO=4&transport=__proto__", 400, 0, "Transport unknown")]
    [InlineData("/engine.io/?EIO=4&transport=constructor", 400, 0, "Transport unknown")]
    [InlineData("/engine.io/?EIO=4&transport=polling&sid=doesnotexist", 400, 1, "Session ID unknown")]
    [InlineData("/engine.io/?EIO=3&transport=polling", 400, 5, "Unsupported protocol version")]
    [InlineData("/engine.io/?transport=polling", 400, 5, "Unsupported protocol version")]
    [InlineData("/engine.io/?EIO=4&transport=websocket", 400, 3, "Bad request")]
    public async Task BadRequests_AreAnsweredWithTheOfficialErrorBodies(string url, int status, int code, string message)
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using HttpResponseMessage response = await server.Http.GetAsync(url);
        await AssertErrorAsync(response, status, code, message);
    }

    [Fact]
    public async Task Handshake_WithPost_IsBadHandshakeMethod()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using var content = new StringContent("4x");
        using HttpResponseMessage response = await server.Http.PostAsync("/engine.io/?EIO=4&transport=polling", content);
        await AssertErrorAsync(response, 400, 2, "Bad handshake method");
    }

    [Fact]
    public async Task AllowRequest_Refusal_IsForbiddenWithItsMessage()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.AllowRequest = ctx => ValueTask.FromResult<string?>(ctx.Request.Headers["x-token"] == "secret" ? null : "no token"));
        using HttpResponseMessage refused = await server.Http.GetAsync("/engine.io/?EIO=4&transport=polling");
        await AssertErrorAsync(refused, 403, 4, "no token");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/engine.io/?EIO=4&transport=polling");
        request.Headers.Add("x-token", "secret");
        using HttpResponseMessage accepted = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Transports_WebSocketOnly_RefusesPolling()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.Transports = EngineIOTransports.WebSocket);
        using HttpResponseMessage response = await server.Http.GetAsync("/engine.io/?EIO=4&transport=polling");
        await AssertErrorAsync(response, 400, 0, "Transport unknown");
    }

    [Fact]
    public async Task Post_OverMaxHttpBufferSize_Is413_AndClosesTheSession()
    {
        // Stricter than the official server, which leaves the session to its client (RELIABILITY-ADVISORIES.md; see NodeExactnessTests).
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxHttpBufferSize = 100);
        string sid = await server.HandshakePollingAsync();

        using HttpResponseMessage post = await server.PostAsync(sid, "4" + new string('a', 200));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        EngineIOCloseReason closed = await server.Handler.WaitClosedAsync();
        Assert.Equal("transport error", closed.Reason);
        Assert.Contains("EngineIOOptions.MaxHttpBufferSize (100 bytes)", closed.Description, StringComparison.Ordinal);
        Assert.Equal(0, server.Handler.Events.Count(e => e.StartsWith("text", StringComparison.Ordinal)));
        Assert.Equal(0, server.Engine.SessionCount);
    }

    [Fact]
    public async Task Post_OverMaxHttpBufferSize_APendingPollGetsTheClosePacketAfterTheRefusal()
    {
        // A raw client that keeps its poll pending (the official client aborts it on the 413) still learns of the close.
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxHttpBufferSize = 100);
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        Task<string> poll = server.PollAsync(sid);
        while (true)
        {
            lock (connection.SyncRoot)
            {
                if (connection.Polling!.IsGetPendingUnderLock)
                {
                    break;
                }
            }

            await Task.Delay(10);
        }

        using HttpResponseMessage post = await server.PostAsync(sid, "4" + new string('a', 200));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        Assert.Equal("1", await poll);
        Assert.Equal(0, server.Engine.SessionCount);
    }

    [Fact]
    public async Task Post_BinaryContentType_IsRefused_AndClosesTheSession()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new("application/octet-stream");
        using HttpResponseMessage response = await server.Http.PostAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("transport error", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal(0, server.Engine.SessionCount);
    }

    [Theory]
    [InlineData("9unknown")]
    [InlineData("")]
    [InlineData("4a\u001e")]
    [InlineData("b!!!notbase64")]
    public async Task Post_MalformedPayload_ClosesSessionWithParseError(string payload)
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        using HttpResponseMessage post = await server.PostAsync(sid, payload);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("parse error", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal(0, server.Handler.Events.Count(e => e.StartsWith("text", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ClosePacket_ReleasesPendingPollWithNoop_AndClosesWithTransportClose()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        Task<string> poll = server.PollAsync(sid);
        await Task.Delay(50);
        using HttpResponseMessage post = await server.PostAsync(sid, "1");
        Assert.Equal("6", await poll);
        Assert.Equal("transport close", (await server.Handler.WaitClosedAsync()).Reason);
        using HttpResponseMessage after = await server.Http.GetAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}");
        await AssertErrorAsync(after, 400, 1, "Session ID unknown");
    }

    [Fact]
    public async Task ClosePacket_WithNoPendingPoll_EndsTheSessionAtOnce()
    {
        // As the official server (NodeExactnessTests.AClosePacketPostedOnPolling_EndsTheSession_TheNextPollIsSessionIdUnknown).
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        using HttpResponseMessage post = await server.PostAsync(sid, "1");
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("transport close", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal(0, server.Engine.SessionCount);
        using HttpResponseMessage after = await server.Http.GetAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}");
        await AssertErrorAsync(after, 400, 1, "Session ID unknown");
    }

    [Fact]
    public async Task OverlappingGets_CloseTheSession()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        Task<string> first = server.PollAsync(sid);
        await Task.Delay(100);
        using HttpResponseMessage second = await server.Http.GetAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}");
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("1", await first);
        Assert.Equal("transport error", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task Heartbeat_PingIsSentAndMissingPongClosesWithPingTimeout()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(100);
            o.PingTimeout = TimeSpan.FromMilliseconds(1000);
        });
        string sid = await server.HandshakePollingAsync();
        Assert.Equal("2", await server.PollAsync(sid));
        using HttpResponseMessage pong = await server.PostAsync(sid, "3");
        Assert.Equal("2", await server.PollAsync(sid));
        Assert.Equal("ping timeout", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal(0, server.Handler.Events.Count(e => e.StartsWith("text", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ServerClose_QueuedMessagesThenClosePacketReachTheNextPoll()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        connection.TrySend(EngineIOMessage.Text("bye"u8.ToArray()));
        await connection.CloseAsync();
        Assert.False(connection.TrySend(EngineIOMessage.Text("late"u8.ToArray())));
        Assert.Equal("forced close", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal("4bye\u001e1", await server.PollAsync(sid));
        Assert.Equal(0, server.Engine.SessionCount);
    }

    [Fact]
    public async Task ServerClose_ReleasesThePendingPollWithClosePacket()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        string sid = await server.HandshakePollingAsync();
        Task<string> poll = server.PollAsync(sid);
        await Task.Delay(50);
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        await connection.CloseAsync();
        Assert.Equal("1", await poll);
        Assert.Equal(0, server.Engine.SessionCount);
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, int status, int code, string message)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, doc.RootElement.GetProperty("code").GetInt32());
        Assert.Equal(message, doc.RootElement.GetProperty("message").GetString());
    }
}
