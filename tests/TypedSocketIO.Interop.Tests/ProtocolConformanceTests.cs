using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// Our own byte-level checks of what the official protocol test suites check, against a server configured as
/// samples/Conformance (pingInterval 300 ms) except for a pingTimeout of 2 s instead of 200 ms and a connectTimeout of 10 s
/// instead of 1 s: exact packets, status codes and the heartbeat's sequence, over raw HTTP and WebSocket. (With the
/// sample's values, any pause of a loaded machine between a ping and this test's pong closed the session: the checks here
/// are about bytes, not about timing; the official suites run against samples/Conformance itself.)
/// </summary>
public sealed class ProtocolConformanceTests(ProtocolConformanceTests.Fixture fixture) : IClassFixture<ProtocolConformanceTests.Fixture>
{
    private const string Sio = "/socket.io/?EIO=4&transport=";
    private const string Eio = "/engine.io/?EIO=4&transport=";

    [Theory]
    [InlineData("/socket.io/")]
    [InlineData("/engine.io/")]
    public async Task Polling_handshake_announces_the_session(string path)
    {
        var (status, body) = await GetAsync(path + "?EIO=4&transport=polling");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("0", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body[1..]);
        var root = json.RootElement;
        Assert.Equal(["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"], root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.String, root.GetProperty("sid").ValueKind);
        Assert.Equal(["websocket"], root.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(300, root.GetProperty("pingInterval").GetInt32());
        Assert.Equal(2000, root.GetProperty("pingTimeout").GetInt32());
        Assert.Equal(1_000_000, root.GetProperty("maxPayload").GetInt32());
    }

    [Theory]
    [InlineData("GET", "?transport=polling")]
    [InlineData("GET", "?EIO=abc&transport=polling")]
    [InlineData("GET", "?EIO=3&transport=polling")]
    [InlineData("GET", "?EIO=4")]
    [InlineData("GET", "?EIO=4&transport=abc")]
    [InlineData("POST", "?EIO=4&transport=polling")]
    [InlineData("PUT", "?EIO=4&transport=polling")]
    [InlineData("GET", "?EIO=4&transport=polling&sid=unknown")]
    public async Task Bad_requests_are_refused_with_400(string method, string query)
    {
        foreach (var path in new[] { "/socket.io/", "/engine.io/" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), fixture.Url(path, path == "/socket.io/") + query);
            using var response = await fixture.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task Polling_echoes_text_and_binary_packets_in_one_payload()
    {
        var sid = await OpenPollingAsync(Eio);
        var (postStatus, postBody) = await PostAsync(Eio + "polling&sid=" + sid, "4hello\u001e4test2\u001ebAQIDBA==");
        Assert.Equal(HttpStatusCode.OK, postStatus);
        Assert.Equal("ok", postBody);
        var (status, body) = await GetAsync(Eio + "polling&sid=" + sid);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("4hello\u001e4test2\u001ebAQIDBA==", body);
    }

    [Fact]
    public async Task Polling_invalid_packet_closes_the_session()
    {
        var sid = await OpenPollingAsync(Eio);
        try
        {
            await PostAsync(Eio + "polling&sid=" + sid, "abc");
        }
        catch (HttpRequestException)
        {
            // the server may abort the request
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(Eio + "polling&sid=" + sid)).Status);
    }

    [Fact]
    public async Task Polling_duplicate_get_closes_the_session()
    {
        var sid = await OpenPollingAsync(Eio);
        var first = GetAsync(Eio + "polling&sid=" + sid);
        await Task.Delay(20);
        var second = await GetAsync(Eio + "polling&sid=" + sid + "&t=burst");
        Assert.Contains(second.Status, new[] { HttpStatusCode.BadRequest, HttpStatusCode.InternalServerError });
        var (status, body) = await first;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", body);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(Eio + "polling&sid=" + sid)).Status);
    }

    [Theory]
    [InlineData(Eio, 3)]
    [InlineData(Sio, 3)]
    public async Task Polling_heartbeat_rounds_then_ping_timeout(string prefix, int rounds)
    {
        var sid = await OpenPollingAsync(prefix);
        for (var i = 0; i < rounds; i++)
        {
            var (status, body) = await GetAsync(prefix + "polling&sid=" + sid);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("2", body);
            var pong = await PostAsync(prefix + "polling&sid=" + sid, "3");
            Assert.True(pong.Status == HttpStatusCode.OK, $"round {i}: the pong POST got {pong.Status} {pong.Body}\n{fixture.LogTail(prefix.StartsWith("/socket.io/", StringComparison.Ordinal))}");
        }

        // A session that gets its ping and never answers is closed: the poll that waits for the next packet is released,
        // and the sid is unknown from then on.
        var silent = await OpenPollingAsync(prefix);
        Assert.Equal((HttpStatusCode.OK, "2"), await GetAsync(prefix + "polling&sid=" + silent));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5 && (statuses.Count == 0 || statuses[^1] != HttpStatusCode.BadRequest); i++)
        {
            statuses.Add((await GetAsync(prefix + "polling&sid=" + silent)).Status);
        }
        Assert.Equal(HttpStatusCode.BadRequest, statuses[^1]);
    }

    [Fact]
    public async Task WebSocket_handshake_echo_and_invalid_packet()
    {
        using var ws = await ConnectAsync(Eio + "websocket");
        var open = await ReceiveTextAsync(ws);
        Assert.StartsWith("0", open, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(open[1..]))
        {
            Assert.Empty(json.RootElement.GetProperty("upgrades").EnumerateArray());
        }
        await SendTextAsync(ws, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(ws));
        await ws.SendAsync(new byte[] { 1, 2, 3, 4 }, WebSocketMessageType.Binary, true, Fixture.Timeout);
        var (type, data) = await ReceiveAsync(ws);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, data);
        await SendTextAsync(ws, "abc");
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(ws)).Type);
    }

    [Fact]
    public async Task Upgrade_from_polling_releases_the_poll_and_keeps_the_session()
    {
        var sid = await OpenPollingAsync(Eio);
        using var ws = await ConnectAsync(Eio + "websocket&sid=" + sid);
        await SendTextAsync(ws, "2probe");
        Assert.Equal("3probe", await ReceiveTextAsync(ws));
        var (status, body) = await GetAsync(Eio + "polling&sid=" + sid);
        Assert.Equal(HttpStatusCode.OK, status);
        // the noop; or, as with the official server, a ping that fell due meanwhile (queued packets still go to the poll)
        Assert.All(body.Split('\u001e'), packet => Assert.True(packet is "6" or "2", body));
        await SendTextAsync(ws, "5");
        await SendTextAsync(ws, "4hello");
        Assert.Equal("4hello", await ReceiveTextAsync(ws));
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(Eio + "polling&sid=" + sid)).Status);

        // a second WebSocket for the upgraded session is accepted and closed
        using var second = await ConnectAsync(Eio + "websocket&sid=" + sid);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(second)).Type);
        await SendTextAsync(ws, "4again");
        Assert.Equal("4again", await ReceiveTextAsync(ws));
    }

    [Theory]
    [InlineData("40", "40", "42[\"auth\",{}]")]
    [InlineData("40{\"token\":\"123\"}", "40", "42[\"auth\",{\"token\":\"123\"}]")]
    [InlineData("40/custom,", "40/custom,", "42/custom,[\"auth\",{}]")]
    [InlineData("40/custom,{\"token\":\"abc\"}", "40/custom,", "42/custom,[\"auth\",{\"token\":\"abc\"}]")]
    public async Task SocketIO_connect_answers_with_a_sid_then_the_auth_event(string connect, string prefix, string auth)
    {
        using var ws = await OpenSocketIOAsync();
        await SendTextAsync(ws, connect);
        var answer = await ReceiveTextAsync(ws);
        Assert.StartsWith(prefix, answer, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(answer[prefix.Length..]))
        {
            Assert.Equal(["sid"], json.RootElement.EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal(auth, await ReceiveTextAsync(ws));
    }

    [Fact]
    public async Task SocketIO_unknown_namespace_gets_connect_error()
    {
        using var ws = await OpenSocketIOAsync();
        await SendTextAsync(ws, "40/random");
        Assert.Equal("44/random,{\"message\":\"Invalid namespace\"}", await ReceiveTextAsync(ws));
    }

    [Fact]
    public async Task SocketIO_messages_and_acks_are_echoed_byte_for_byte()
    {
        using var ws = await OpenSocketIOAsync();
        await SendTextAsync(ws, "40");
        await ReceiveTextAsync(ws);
        await ReceiveTextAsync(ws);

        await SendTextAsync(ws, "42[\"message\",1,\"2\",{\"3\":[true]}]");
        Assert.Equal("42[\"message-back\",1,\"2\",{\"3\":[true]}]", await ReceiveTextAsync(ws));

        await SendTextAsync(ws, "42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
        Assert.Equal("43456[1,\"2\",{\"3\":[false]}]", await ReceiveTextAsync(ws));

        await SendTextAsync(ws, "452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await ws.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, Fixture.Timeout);
        await ws.SendAsync(new byte[] { 4, 5, 6 }, WebSocketMessageType.Binary, true, Fixture.Timeout);
        Assert.Equal("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", await ReceiveTextAsync(ws));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await ReceiveAsync(ws)).Data);
        Assert.Equal(new byte[] { 4, 5, 6 }, (await ReceiveAsync(ws)).Data);

        await SendTextAsync(ws, "452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        await ws.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, Fixture.Timeout);
        await ws.SendAsync(new byte[] { 4, 5, 6 }, WebSocketMessageType.Binary, true, Fixture.Timeout);
        Assert.Equal("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", await ReceiveTextAsync(ws));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await ReceiveAsync(ws)).Data);
        Assert.Equal(new byte[] { 4, 5, 6 }, (await ReceiveAsync(ws)).Data);
    }

    [Theory]
    [InlineData("4abc")]
    [InlineData("42{}")]
    [InlineData("42abc[\"message-with-ack\",1]")]
    public async Task SocketIO_invalid_packets_close_the_connection(string packet)
    {
        using var ws = await OpenSocketIOAsync();
        await SendTextAsync(ws, "40");
        await ReceiveTextAsync(ws);
        await ReceiveTextAsync(ws);
        await SendTextAsync(ws, packet);
        Assert.Equal(WebSocketMessageType.Close, (await ReceiveAsync(ws)).Type);
    }

    [Fact]
    public async Task SocketIO_leaving_a_namespace_keeps_the_others()
    {
        using var ws = await OpenSocketIOAsync();
        await SendTextAsync(ws, "40");
        await ReceiveTextAsync(ws);
        await ReceiveTextAsync(ws);
        await SendTextAsync(ws, "40/custom");
        Assert.StartsWith("40/custom,", await ReceiveTextAsync(ws), StringComparison.Ordinal);
        Assert.Equal("42/custom,[\"auth\",{}]", await ReceiveTextAsync(ws));
        await SendTextAsync(ws, "41/custom");
        await SendTextAsync(ws, "42[\"message\",\"still here\"]");
        Assert.Equal("42[\"message-back\",\"still here\"]", await ReceiveTextAsync(ws));
    }

    private async Task<ClientWebSocket> OpenSocketIOAsync()
    {
        var ws = await ConnectAsync(Sio + "websocket");
        Assert.StartsWith("0", await ReceiveTextAsync(ws), StringComparison.Ordinal);
        return ws;
    }

    private async Task<string> OpenPollingAsync(string prefix)
    {
        var (status, body) = await GetAsync(prefix + "polling");
        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body[1..]);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var response = await fixture.Http.GetAsync(fixture.Url(pathAndQuery, pathAndQuery.StartsWith("/socket.io/", StringComparison.Ordinal)));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string pathAndQuery, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using var response = await fixture.Http.PostAsync(fixture.Url(pathAndQuery, pathAndQuery.StartsWith("/socket.io/", StringComparison.Ordinal)), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<ClientWebSocket> ConnectAsync(string pathAndQuery)
    {
        var ws = new ClientWebSocket();
        var url = fixture.Url(pathAndQuery, pathAndQuery.StartsWith("/socket.io/", StringComparison.Ordinal)).Replace("http://", "ws://", StringComparison.Ordinal);
        await ws.ConnectAsync(new Uri(url), Fixture.Timeout);
        return ws;
    }

    private static Task SendTextAsync(ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Fixture.Timeout);

    /// <summary>The next message that is not a ping ("2").</summary>
    private static async Task<string> ReceiveTextAsync(ClientWebSocket ws)
    {
        while (true)
        {
            var (type, data) = await ReceiveAsync(ws);
            Assert.Equal(WebSocketMessageType.Text, type);
            var text = Encoding.UTF8.GetString(data);
            if (text != "2")
            {
                return text;
            }
            await SendTextAsync(ws, "3");
        }
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket ws)
    {
        var buffer = new byte[64 * 1024];
        using var stream = new MemoryStream();
        while (true)
        {
            var result = await ws.ReceiveAsync(buffer, Fixture.Timeout);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }
            stream.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, stream.ToArray());
            }
        }
    }

    /// <summary>Two servers as samples/Conformance runs them: Socket.IO and the raw Engine.IO echo.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private LoopbackServer? _socketIO;
        private LoopbackServer? _engineIO;

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

        /// <summary>A fresh 10 s bound for one socket operation.</summary>
        public static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

        public string LogTail(bool socketIO) => (socketIO ? _socketIO! : _engineIO!).Logs.Tail(30);

        public string Url(string pathAndQuery, bool socketIO) => (socketIO ? _socketIO! : _engineIO!).BaseAddress + pathAndQuery;

        public async Task InitializeAsync()
        {
            var pingInterval = TimeSpan.FromMilliseconds(300);
            var pingTimeout = TimeSpan.FromMilliseconds(2000);
            _socketIO = await LoopbackServer.StartAsync(
                services => services.AddSocketIO(o =>
                {
                    o.ConnectTimeout = TimeSpan.FromSeconds(10);
                    o.EngineIO.PingInterval = pingInterval;
                    o.EngineIO.PingTimeout = pingTimeout;
                    o.EngineIO.MaxHttpBufferSize = 1_000_000;
                }),
                app =>
                {
                    static void EmitAuth(SocketIOSocket socket) =>
                        socket.Emit("auth", socket.Handshake.AuthJson, static (w, auth) => w.WriteRawJson(auth.Span));
                    app.MapSocketIO("/", ns => ns.OnConnection(socket =>
                    {
                        EmitAuth(socket);
                        socket.On("message", args => socket.Emit("message-back", args, ArgumentEcho.WriteAll));
                        socket.On("message-with-ack", (args, ack) =>
                        {
                            ack.Send(args, ArgumentEcho.WriteAll);
                            return ValueTask.CompletedTask;
                        });
                    }));
                    app.MapSocketIO("/custom", ns => ns.OnConnection(EmitAuth));
                });
            _engineIO = await LoopbackServer.StartAsync(
                _ => { },
                app => app.MapEngineIO("/engine.io/", new Echo(), o =>
                {
                    o.PingInterval = pingInterval;
                    o.PingTimeout = pingTimeout;
                    o.MaxHttpBufferSize = 1_000_000;
                }));
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            if (_socketIO is not null)
            {
                await _socketIO.DisposeAsync();
            }
            if (_engineIO is not null)
            {
                await _engineIO.DisposeAsync();
            }
        }

        private sealed class Echo : IEngineIOHandler
        {
            public ValueTask OnOpenAsync(EngineIOConnection connection) => ValueTask.CompletedTask;

            public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8)
            {
                connection.TrySend(EngineIOMessage.Text(utf8.ToArray()));
                return ValueTask.CompletedTask;
            }

            public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data)
            {
                connection.TrySend(EngineIOMessage.Binary(data.ToArray()));
                return ValueTask.CompletedTask;
            }

            public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason) => ValueTask.CompletedTask;
        }
    }
}
