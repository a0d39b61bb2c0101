using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TypedSocketIO.EngineIO.Tests.Node;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// The same raw exchanges against the official Node <c>engine.io</c> (tests/interop-node, pinned) and against our server:
/// each test runs its scenario on both and asserts that both give what Node gives.
/// </summary>
public sealed class NodeExactnessTests
{
    private const string Origin = "http://allowed.example";

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task AfterTheProbeIsAnswered_QueuedPacketsFlushToTheNextPoll_AtOnce()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            string sid = await target.HandshakeAsync();
            using ClientWebSocket probe = await target.ConnectWebSocketAsync(sid);
            await probe.SendTextAsync("2probe");
            Assert.Equal("3probe", await probe.ReceiveTextAsync());

            // The echo of this message is queued while the client pauses polling: Node hands it to the next poll at once,
            // it does not hold it for the 100 ms noop nor for the WebSocket.
            Assert.Equal("ok", await target.PostOkAsync(sid, "4hello"));
            Assert.Equal("4hello", await target.PollAsync(sid));

            // The upgrade still completes, and what comes next goes over the WebSocket.
            await probe.SendTextAsync("5");
            await probe.SendTextAsync("4after");
            Assert.Equal("4after", await probe.ReceiveTextAsync());
        });
    }

    [Fact]
    public async Task AProbeNeverFollowedByUpgrade_KeepsThePollingSessionWorking_HeartbeatIncluded()
    {
        // pingInterval + pingTimeout is far below the upgrade timeout: a server that held the pings back while the probe is
        // pending would let the session die of ping timeout.
        // (pingTimeout is generous so that a loaded machine answering a ping late does not fail the test.)
        await ForBothAsync(new { pingInterval = 300, pingTimeout = 3_000, upgradeTimeout = 60_000 }, o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.PingTimeout = TimeSpan.FromMilliseconds(3_000);
            o.UpgradeTimeout = TimeSpan.FromSeconds(60);
        }, async target =>
        {
            string sid = await target.HandshakeAsync();
            using ClientWebSocket probe = await target.ConnectWebSocketAsync(sid);
            await probe.SendTextAsync("2probe");
            Assert.Equal("3probe", await probe.ReceiveTextAsync());

            int pings = 0;
            for (int i = 0; i < 200 && pings < 3; i++)
            {
                string body = await target.PollAsync(sid);
                foreach (string packet in body.Split('\u001e'))
                {
                    Assert.True(packet is "2" or "6", $"unexpected packet {packet} in {body}");
                    if (packet == "2")
                    {
                        pings++;
                        Assert.Equal("ok", await target.PostOkAsync(sid, "3"));
                    }
                }
            }

            Assert.Equal(3, pings);
            Assert.Equal("ok", await target.PostOkAsync(sid, "4still polling"));
            string? message = null;
            for (int i = 0; i < 200 && message is null; i++)
            {
                foreach (string packet in (await target.PollAsync(sid)).Split('\u001e'))
                {
                    if (packet == "2")
                    {
                        Assert.Equal("ok", await target.PostOkAsync(sid, "3"));
                    }
                    else if (packet != "6")
                    {
                        message = packet;
                        break;
                    }
                }
            }

            Assert.Equal("4still polling", message);
        });
    }

    [Fact]
    public async Task AnOversizedPollingPost_Is413_TheOfficialClientClosesWithTransportError()
    {
        await ForBothAsync(new { maxHttpBufferSize = 100 }, o => o.MaxHttpBufferSize = 100, async target =>
        {
            IReadOnlyList<string> lines = await NodeScripts.RunAsync("eio-client.mjs", target.BaseUri.ToString(), "polling", "oversize", "300");
            using JsonDocument close = JsonDocument.Parse(lines.Single(l => l.Contains("\"close\"", StringComparison.Ordinal)));
            Assert.Equal("transport error", close.RootElement.GetProperty("reason").GetString());
            Assert.Equal("xhr post error", close.RootElement.GetProperty("description").GetString());
        });
    }

    [Fact]
    public async Task AnOversizedPollingPost_Is413_NodeLeavesTheSessionToItsClient_OursClosesIt()
    {
        await ForBothAsync(new { maxHttpBufferSize = 100 }, o => o.MaxHttpBufferSize = 100, async target =>
        {
            string sid = await target.HandshakeAsync();
            using HttpResponseMessage tooLarge = await target.PostAsync(sid, "4" + new string('a', 200));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            if (target.IsNode)
            {
                // Node answers 413 and leaves the session to its client (which closes it); a raw client may go on.
                Assert.Equal("ok", await target.PostOkAsync(sid, "4small"));
                Assert.Equal("4small", await target.PollAsync(sid));
            }
            else
            {
                // Stricter on purpose (RELIABILITY-ADVISORIES.md): the session is closed, the sid is no longer served.
                Assert.Equal("transport error", await target.WaitForCloseReasonAsync());
                using HttpResponseMessage after = await target.PostAsync(sid, "4small");
                Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
            }
        });
    }

    [Fact]
    public async Task Base64BinaryTextFrames_OverWebSocket_AreBinaryMessages()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            using ClientWebSocket socket = await target.ConnectWebSocketAsync(null);
            Assert.StartsWith("0{", await socket.ReceiveTextAsync(), StringComparison.Ordinal);
            await socket.SendTextAsync("bAQID");
            (WebSocketMessageType type, byte[] data) = await socket.ReceiveMessageAsync();
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(new byte[] { 1, 2, 3 }, data);
        });
    }

    [Fact]
    public async Task PollingResponses_CarryCacheControlNoStore()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            using HttpResponseMessage handshake = await target.Http.GetAsync(target.Url(null));
            Assert.Equal("no-store", Header(handshake, "Cache-Control"));
            string sid = SidOf(await handshake.Content.ReadAsStringAsync());

            using HttpResponseMessage post = await target.PostAsync(sid, "4hi");
            Assert.Equal("no-store", Header(post, "Cache-Control"));
            using HttpResponseMessage poll = await target.Http.GetAsync(target.Url(sid));
            Assert.Equal("4hi", await poll.Content.ReadAsStringAsync());
            Assert.Equal("no-store", Header(poll, "Cache-Control"));
        });
    }

    [Fact]
    public async Task WithCors_EveryResponse_ErrorsAndPostsIncluded_CarriesTheAllowedOrigin_AndAPreflightAllowsGetAndPost()
    {
        await ForBothAsync(new { cors = Origin, maxHttpBufferSize = 100 }, o => o.MaxHttpBufferSize = 100, async target =>
        {
            async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? body = null, string? requestMethod = null)
            {
                using var request = new HttpRequestMessage(method, url);
                request.Headers.Add("Origin", Origin);
                if (requestMethod is not null)
                {
                    request.Headers.Add("Access-Control-Request-Method", requestMethod);
                }

                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
                }

                return await target.Http.SendAsync(request);
            }

            void AssertAllowed(HttpResponseMessage response, string what)
            {
                Assert.True(Header(response, "Access-Control-Allow-Origin") == Origin, $"{what}: no Access-Control-Allow-Origin ({(int)response.StatusCode})");
                Assert.True(Header(response, "Access-Control-Allow-Credentials") == "true", $"{what}: no Access-Control-Allow-Credentials");
            }

            using HttpResponseMessage handshake = await SendAsync(HttpMethod.Get, target.Url(null));
            AssertAllowed(handshake, "handshake");
            string sid = SidOf(await handshake.Content.ReadAsStringAsync());
            using HttpResponseMessage post = await SendAsync(HttpMethod.Post, target.Url(sid), "4hi");
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            AssertAllowed(post, "POST");
            using HttpResponseMessage poll = await SendAsync(HttpMethod.Get, target.Url(sid));
            AssertAllowed(poll, "poll");
            using HttpResponseMessage tooLarge = await SendAsync(HttpMethod.Post, target.Url(sid), "4" + new string('a', 200));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            AssertAllowed(tooLarge, "413");
            using HttpResponseMessage unknown = await SendAsync(HttpMethod.Get, target.Url("unknown"));
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            AssertAllowed(unknown, "400 unknown sid");
            using HttpResponseMessage badTransport = await SendAsync(HttpMethod.Get, "/engine.io/?EIO=4&transport=carrier-pigeon");
            Assert.Equal(HttpStatusCode.BadRequest, badTransport.StatusCode);
            AssertAllowed(badTransport, "400 unknown transport");

            foreach (string method in new[] { "GET", "POST" })
            {
                using HttpResponseMessage preflight = await SendAsync(HttpMethod.Options, target.Url(sid), requestMethod: method);
                Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
                AssertAllowed(preflight, "preflight " + method);
                string methods = Header(preflight, "Access-Control-Allow-Methods") ?? "";
                Assert.Contains(method, methods.Split(',', StringSplitOptions.TrimEntries));
            }
        });
    }

    [Fact]
    public async Task AClosePacketPostedOnPolling_EndsTheSession_TheNextPollIsSessionIdUnknown()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            string sid = await target.HandshakeAsync();
            Assert.Equal("ok", await target.PostOkAsync(sid, "1"));
            using HttpResponseMessage poll = await target.Http.GetAsync(target.Url(sid));
            Assert.Equal(HttpStatusCode.BadRequest, poll.StatusCode);
            Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await poll.Content.ReadAsStringAsync());
        });
    }

    [Fact]
    public async Task AClosePacketPostedOnPolling_ReleasesThePendingPollWithNoop()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            string sid = await target.HandshakeAsync();
            Task<string> pending = target.PollAsync(sid);
            await Task.Delay(100); // the GET is parked by the server on arrival
            Assert.Equal("ok", await target.PostOkAsync(sid, "1"));
            Assert.Equal("6", await pending);
        });
    }

    [Fact]
    public async Task AnOctetStreamPost_Is400_AndClosesTheSession()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            string sid = await target.HandshakeAsync();
            using var content = new ByteArrayContent([1, 2, 3]);
            content.Headers.ContentType = new("application/octet-stream");
            using HttpResponseMessage post = await target.Http.PostAsync(target.Url(sid), content);
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            using HttpResponseMessage poll = await target.Http.GetAsync(target.Url(sid));
            Assert.Equal(HttpStatusCode.BadRequest, poll.StatusCode);
            Assert.Equal("{\"code\":1,\"message\":\"Session ID unknown\"}", await poll.Content.ReadAsStringAsync());
            Assert.Contains("transport error", await target.WaitForCloseReasonAsync());
        });
    }

    [Fact]
    public async Task AnOpenPacketPostedByTheClient_IsIgnored()
    {
        await ForBothAsync(new { }, null, async target =>
        {
            string sid = await target.HandshakeAsync();
            Assert.Equal("ok", await target.PostOkAsync(sid, "0"));
            Assert.Equal("ok", await target.PostOkAsync(sid, "0{}\u001e4after open"));
            Assert.Equal("4after open", await target.PollAsync(sid));
        });
    }

    [Theory]
    [InlineData("polling", "\u007f")]
    [InlineData("polling", "\u0001")]
    [InlineData("websocket", "\u007f")]
    [InlineData("websocket", "\u0001")]
    public async Task AnOriginWithControlCharacters_IsRefusedWith4xx_BeforeAnySessionExists(string transport, string control)
    {
        await ForBothAsync(new { }, null, async target =>
        {
            string upgrade = transport == "websocket"
                ? "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                : "";
            string request = $"GET /engine.io/?EIO=4&transport={transport} HTTP/1.1\r\nHost: {target.BaseUri.Authority}\r\n{upgrade}Origin: http://a{control}b.example\r\nConnection: close\r\n\r\n";
            string response = await RawHttpAsync(target.BaseUri, request);
            int status = int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(status is >= 400 and < 500, $"answered {response}");
            Assert.Equal(0, await target.SessionsOpenedAsync());
        });
    }

    [Fact]
    public async Task OnResponseHeaders_AddsToTheHandshakeAndEveryResponse_OnPollingAndWebSocket_AsInitialHeadersAndHeaders()
    {
        // Node: engine.on("initial_headers") adds a sticky-session cookie and X-Initial, engine.on("headers") adds X-Every.
        await ForBothAsync(new { headers = true }, o => o.OnResponseHeaders = response =>
        {
            if (response.IsHandshake)
            {
                response.Cookies.Append("sticky", "node-1", new Microsoft.AspNetCore.Http.CookieOptions { Path = "/", HttpOnly = true });
                response.Headers["X-Initial"] = "1";
            }

            response.Headers["X-Every"] = "1";
        }, async target =>
        {
            static void AssertHeaders(string what, bool handshake, Func<string, string?> header)
            {
                Assert.True(header("X-Every") == "1", $"{what}: X-Every is {header("X-Every")}");
                Assert.True((header("X-Initial") == "1") == handshake, $"{what}: X-Initial is {header("X-Initial")}");
                string? cookie = header("Set-Cookie");
                Assert.True(handshake ? cookie?.StartsWith("sticky=node-1; ", StringComparison.Ordinal) == true : cookie is null, $"{what}: Set-Cookie is {cookie}");
                if (handshake)
                {
                    Assert.Contains("httponly", cookie!, StringComparison.OrdinalIgnoreCase);
                }
            }

            using HttpResponseMessage handshake = await target.Http.GetAsync(target.Url(null));
            AssertHeaders("polling handshake", true, name => Header(handshake, name));
            string sid = SidOf(await handshake.Content.ReadAsStringAsync());
            using HttpResponseMessage post = await target.PostAsync(sid, "4hi");
            AssertHeaders("POST", false, name => Header(post, name));
            using HttpResponseMessage poll = await target.Http.GetAsync(target.Url(sid));
            Assert.Equal("4hi", await poll.Content.ReadAsStringAsync());
            AssertHeaders("poll", false, name => Header(poll, name));

            using ClientWebSocket upgrade = await target.ConnectWebSocketAsync(sid, collectResponse: true);
            AssertHeaders("WebSocket upgrade", false, name => upgrade.HttpResponseHeaders!.TryGetValue(name, out IEnumerable<string>? v) ? string.Join(",", v) : null);
            using ClientWebSocket direct = await target.ConnectWebSocketAsync(null, collectResponse: true);
            AssertHeaders("WebSocket handshake", true, name => direct.HttpResponseHeaders!.TryGetValue(name, out IEnumerable<string>? v) ? string.Join(",", v) : null);
        });
    }

    [Fact]
    public async Task TheHandshakeRequest_IsWhatTheHandlerSees_LongAfterItEnded_AsNodeSocketRequest()
    {
        // Node: socket.request (headers, url, _query), socket.remoteAddress, request.connection.encrypted, sent back on the
        // message "handshake". Ours: EngineIOConnection.Handshake, read by the handler (no IHttpContextAccessor), same shape.
        var seen = new List<(string Server, string Authority, string Polling, string WebSocket)>();
        await ForBothAsync(new { }, null, async target =>
        {
            // Polling: the handshake GET, then requests with other headers and an upgrade; the handshake stays the first GET's.
            using var get = new HttpRequestMessage(HttpMethod.Get, target.Url(null) + "&a=1&b=%C3%A9&c=x+y&a=2");
            get.Headers.TryAddWithoutValidation("X-First", "first");
            get.Headers.TryAddWithoutValidation("Origin", "http://origin.example");
            get.Headers.TryAddWithoutValidation("Cookie", "k=v; other=w");
            using HttpResponseMessage handshake = await target.Http.SendAsync(get);
            string sid = SidOf(await handshake.Content.ReadAsStringAsync());
            using (var post = new HttpRequestMessage(HttpMethod.Post, target.Url(sid)) { Content = new StringContent("4one", Encoding.UTF8, "text/plain") })
            {
                post.Headers.TryAddWithoutValidation("X-Later", "post");
                using HttpResponseMessage posted = await target.Http.SendAsync(post);
                Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            }

            Assert.Equal("4one", await target.PollAsync(sid));
            using ClientWebSocket upgrade = await target.ConnectWebSocketAsync(sid, headers: [new("X-Later", "upgrade")]);
            await upgrade.SendTextAsync("2probe");
            Assert.Equal("3probe", await upgrade.ReceiveTextAsync());
            await upgrade.SendTextAsync("5");
            await upgrade.SendTextAsync("4handshake");
            string polling = await upgrade.ReceiveTextAsync();

            // WebSocket from the start: the handshake is the WebSocket request's, read after the 101.
            using ClientWebSocket direct = await target.ConnectWebSocketAsync(null, headers: [new("X-First", "ws")], query: "&d=4");
            Assert.StartsWith("0{", await direct.ReceiveTextAsync(), StringComparison.Ordinal);
            await direct.SendTextAsync("4handshake");
            string webSocket = await direct.ReceiveTextAsync();
            seen.Add((target.Name, target.BaseUri.Authority, polling, webSocket));
        });

        Assert.Equal(3, seen.Count);
        string nodePolling = Comparable(seen[0].Polling, seen[0].Authority);
        string nodeWebSocket = Comparable(seen[0].WebSocket, seen[0].Authority);
        Assert.Contains("\"x-first\":\"first\"", nodePolling, StringComparison.Ordinal);
        Assert.DoesNotContain("x-later", nodePolling, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"/engine.io/?EIO=4&transport=websocket&d=4\"", nodeWebSocket, StringComparison.Ordinal);
        foreach ((string server, string authority, string polling, string webSocket) in seen.Skip(1))
        {
            Assert.True(nodePolling == Comparable(polling, authority), $"polling handshake\n  node: {nodePolling}\n  {server}: {Comparable(polling, authority)}");
            Assert.True(nodeWebSocket == Comparable(webSocket, authority), $"WebSocket handshake\n  node: {nodeWebSocket}\n  {server}: {Comparable(webSocket, authority)}");
        }

        // The JSON with sorted header names and query keys, without the random Sec-WebSocket-Key, the Host (each server's
        // own port) checked and replaced.
        static string Comparable(string message, string authority)
        {
            Assert.StartsWith("4{", message, StringComparison.Ordinal);
            using JsonDocument document = JsonDocument.Parse(message[1..]);
            JsonElement root = document.RootElement;
            Assert.Equal(authority, root.GetProperty("headers").GetProperty("host").GetString());
            static SortedDictionary<string, string> Sorted(JsonElement o) => new(
                o.EnumerateObject().Where(p => p.Name != "sec-websocket-key").ToDictionary(p => p.Name, p => p.Name == "host" ? "(the server)" : p.Value.ToString()), StringComparer.Ordinal);
            return JsonSerializer.Serialize(new
            {
                headers = Sorted(root.GetProperty("headers")),
                url = root.GetProperty("url").GetString(),
                query = Sorted(root.GetProperty("query")),
                address = root.GetProperty("address").GetString(),
                secure = root.GetProperty("secure").GetBoolean(),
            }, RelaxedJson);
        }
    }

    private static async Task<string> RawHttpAsync(Uri baseUri, string request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        var buffer = new byte[4096];
        var received = new MemoryStream();
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
            if (Encoding.Latin1.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return Encoding.Latin1.GetString(received.ToArray());
    }

    internal static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out IEnumerable<string>? values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    internal static string SidOf(string openPayload)
    {
        Assert.StartsWith("0{", openPayload, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(openPayload[1..]);
        return doc.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>Runs <paramref name="scenario"/> against Node's engine.io with <paramref name="nodeOptions"/>, then against ours.</summary>
    internal static async Task ForBothAsync(object nodeOptions, Action<EngineIOOptions>? configure, Func<Target, Task> scenario, bool cors = false)
    {
        cors |= nodeOptions.GetType().GetProperty("cors") is not null;
        await using (NodeEngineIOServer node = await NodeEngineIOServer.StartAsync(nodeOptions))
        {
            using var target = new Target("node engine.io", node.BaseUri, node, null);
            await RunAsync(target, scenario, () => string.Join('\n', node.Output));
        }

        // Ours twice: WebSockets through ASP.NET Core's middleware, then through the lean Kestrel transport.
        foreach (bool lean in new[] { false, true })
        {
            await using EngineIOTestServer ours = await EngineIOTestServer.StartAsync(
                o =>
                {
                    configure?.Invoke(o);
                    o.KestrelWebSocketTransport = lean;
                },
                cors ? Origin : null);
            using var target = new Target(lean ? "TypedSocketIO (lean Kestrel WebSocket)" : "TypedSocketIO", ours.BaseUri, null, ours);
            await RunAsync(target, scenario, () => string.Join('\n', ours.Handler.Events));
            target.AssertWebSocketsServedBy(lean);
        }
    }

    private static async Task RunAsync(Target target, Func<Target, Task> scenario, Func<string> log)
    {
        try
        {
            await scenario(target);
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"against {target.Name}: {ex.Message}\n--- server output ---\n{log()}\n{ex}");
        }
    }

    /// <summary>One server under test, Node's or ours, and raw requests to it.</summary>
    internal sealed class Target(string name, Uri baseUri, NodeEngineIOServer? node, EngineIOTestServer? ours) : IDisposable
    {
        private int _webSockets;

        public string Name => name;

        public Uri BaseUri => baseUri;

        /// <summary>Whether this is the official Node server (else ours).</summary>
        public bool IsNode => node is not null;

        public HttpClient Http { get; } = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(15) };

        public string Url(string? sid) => sid is null
            ? $"{baseUri.GetLeftPart(UriPartial.Authority)}/engine.io/?EIO=4&transport=polling"
            : $"{baseUri.GetLeftPart(UriPartial.Authority)}/engine.io/?EIO=4&transport=polling&sid={sid}";

        public async Task<string> HandshakeAsync() => SidOf(await Http.GetStringAsync(Url(null)));

        public async Task<string> PollAsync(string sid)
        {
            using HttpResponseMessage response = await Http.GetAsync(Url(sid));
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"poll answered {(int)response.StatusCode} {body}");
            return body;
        }

        public async Task<HttpResponseMessage> PostAsync(string sid, string payload)
        {
            using var content = new StringContent(payload, Encoding.UTF8, "text/plain");
            return await Http.PostAsync(Url(sid), content);
        }

        public async Task<string> PostOkAsync(string sid, string payload)
        {
            using HttpResponseMessage response = await PostAsync(sid, payload);
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {payload} answered {(int)response.StatusCode} {body}");
            return body;
        }

        public async Task<ClientWebSocket> ConnectWebSocketAsync(
            string? sid, bool collectResponse = false, IReadOnlyList<KeyValuePair<string, string>>? headers = null, string query = "")
        {
            var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = collectResponse;
            foreach ((string name, string value) in headers ?? [])
            {
                socket.Options.SetRequestHeader(name, value);
            }

            query = (sid is null ? "EIO=4&transport=websocket" : $"EIO=4&transport=websocket&sid={sid}") + query;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new Uri($"ws://{baseUri.Authority}/engine.io/?{query}"), timeout.Token);
            _webSockets++;
            return socket;
        }


        /// <summary>The number of sessions the server ever opened.</summary>
        public async Task<int> SessionsOpenedAsync()
        {
            await Task.Delay(100);
            return node is not null
                ? node.Output.Count(l => l.Contains("\"connection\"", StringComparison.Ordinal))
                : ours!.Handler.Events.Count(e => e.StartsWith("open", StringComparison.Ordinal));
        }

        /// <summary>The reason the server gave when the (single) session closed.</summary>
        public async Task<string> WaitForCloseReasonAsync()
            => node is not null
                ? await node.WaitForOutputAsync("\"close\"")
                : (await ours!.Handler.WaitClosedAsync()).Reason;

        /// <summary>Our server only: every WebSocket the scenario opened went through the lean transport, or none did.</summary>
        public void AssertWebSocketsServedBy(bool lean)
        {
            int accepted = ours!.KestrelWebSocketsAccepted;
            Assert.True(lean ? accepted == _webSockets : accepted == 0, $"{_webSockets} WebSockets opened, {accepted} by the lean transport");
        }

        public void Dispose() => Http.Dispose();
    }
}
