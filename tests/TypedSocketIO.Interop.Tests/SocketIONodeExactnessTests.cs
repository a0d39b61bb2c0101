using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Interop.Tests.Typed;
using TypedSocketIO.Server;
using Xunit.Abstractions;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// Socket.IO behaviours where we must do what the official server does: the official socket.io 4.8.4
/// (tests/interop-node/sio-exact-server.mjs) and our server (<see cref="Fixture"/>, configured alike) get the same raw frames
/// over WebSocket and over polling, and what each answers must be the same.
/// </summary>
public sealed class SocketIONodeExactnessTests(SocketIONodeExactnessTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<SocketIONodeExactnessTests.Fixture>
{
    /// <summary>The listeners of both servers; keep in step with NAMES in sio-exact-server.mjs.</summary>
    public static readonly string[] ListenerNames = ["1", "1.5", "0", "-1", "100", "1e+21", "1e-7", "Infinity", "-Infinity", "x"];

    public static readonly string[] Transports = ["websocket", "polling"];

    /// <summary>Event frames whose first element is a number, or something else socket.io-parser judges.</summary>
    public static readonly string[] EventNameFrames =
    [
        "2[1,\"x\"]",          // a number: dispatched to the listener of "1"
        "2[1.0,\"y\",2]",      // the same number written otherwise
        "2[1.5]",
        "2[-0]",               // String(-0) is "0"
        "2[-1,{\"a\":[1]}]",
        "2[1E2]",              // "100"
        "2[1e21]",             // "1e+21"
        "2[0.0000001]",        // "1e-7"
        "2[1e400]",            // JSON.parse gives Infinity
        "2[-1e400]",
        "27[1,\"x\"]",         // with an ack request: the listener acknowledges
        "2[2,\"nobody\"]",     // a number nobody listens to: ignored, the connection stays
        "29[2]",               // and with an ack request: no answer
        "2[\"x\",\"s\"]",      // a string, for reference
        "2[true]",             // neither string nor number: refused
        "2[false,1]",
        "2[null]",
        "2[{}]",
        "2[[1]]",
        "2[]",
        "2[\"connect\"]",      // reserved names: refused
        "2[\"disconnect\",1]",
        "2[\"newListener\"]",
    ];

    public static TheoryData<string, string> EventNameCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var transport in Transports)
        {
            foreach (var frame in EventNameFrames)
            {
                data.Add(transport, frame);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EventNameCases))]
    public async Task Event_name_is_accepted_or_refused_and_dispatched_as_node_does(string transport, string frame)
    {
        var node = await PlayAsync(fixture.NodeAddress, transport, frame);
        var ours = await PlayAsync(fixture.OurAddress, transport, frame);
        output.WriteLine($"node: {node}\nours: {ours}");
        Assert.Equal(node, ours);
    }

    [Fact]
    public async Task Numeric_event_names_are_accepted_by_node_and_by_us()
    {
        // The cases above compare; this pins what they compare, so that two servers closing alike cannot pass unnoticed.
        foreach (var address in new[] { fixture.NodeAddress, fixture.OurAddress })
        {
            Assert.Equal("42[\"handled\",\"1\",\"x\"] | 42[\"synced\"]", await PlayAsync(address, "websocket", "2[1,\"x\"]"));
            Assert.Equal("42[\"handled\",\"Infinity\"] | 42[\"synced\"]", await PlayAsync(address, "polling", "2[1e400]"));
            Assert.Equal("42[\"handled\",\"1\",\"x\"] | 437[\"ack\",\"1\"] | 42[\"synced\"]", await PlayAsync(address, "websocket", "27[1,\"x\"]"));
            Assert.Equal("(closed)", await PlayAsync(address, "websocket", "2[true]"));
        }
    }

    [Theory]
    [MemberData(nameof(TransportModes))]
    public async Task Emit_and_ack_with_null_send_one_null_argument_as_node_does(string transport)
    {
        var node = await PlayAsync(fixture.NodeAddress, transport, "25[\"nulls\"]");
        var ours = await PlayAsync(fixture.OurAddress, transport, "25[\"nulls\"]");
        output.WriteLine($"node: {node}\nours: {ours}");
        Assert.Equal("42[\"nulled\",null] | 435[null] | 42[\"synced\"]", node);
        Assert.Equal(node, ours);
    }

    public static TheoryData<string> TransportModes() => new(Transports);

    /// <summary>
    /// JSON text as JSON.stringify writes it (U+2028/U+2029, emoji, non-ASCII, <c>&lt;&gt;&amp;'+`</c> raw; control characters
    /// escaped), the same bytes as Node: untyped emits and acks, a JsonObject's keys, a typed DTO from a user's
    /// JsonSerializerContext with such a property name and enum member, a typed ack, and a CONNECT_ERROR's message and data
    /// (ours built with System.Text.Json's default escaping and .NET's number formats, written again as Node writes them).
    /// </summary>
    [Theory]
    [MemberData(nameof(TransportModes))]
    public async Task Json_text_is_written_as_node_writes_it(string transport)
    {
        foreach (var (frame, what) in new[] { ("21[\"json\"]", "untyped and typed emits, untyped ack"), ("22[\"json-typed-ack\"]", "typed ack") })
        {
            var node = await PlayAsync(fixture.NodeAddress, transport, frame);
            var ours = await PlayAsync(fixture.OurAddress, transport, frame);
            var lean = await PlayAsync(fixture.OurLeanAddress, transport, frame);
            output.WriteLine($"{what}\nnode: {node}\nours: {ours}");
            Assert.Equal(node, ours);
            Assert.Equal(node, lean);
        }

        var nodeRefusal = await RefusedAsync(fixture.NodeAddress, transport);
        var ourRefusal = await RefusedAsync(fixture.OurAddress, transport);
        output.WriteLine($"refusal\nnode: {nodeRefusal}\nours: {ourRefusal}");
        Assert.Equal(nodeRefusal, ourRefusal);

        // What is compared: raw where .NET's default encoder escapes, escaped where JSON.stringify escapes.
        var json = await PlayAsync(fixture.NodeAddress, transport, "21[\"json\"]");
        Assert.Contains("\"line\u2028para\u2029end\"", json, StringComparison.Ordinal);
        Assert.Contains("{\"é<>&'+`\u2028😀\":\"😀 👍🏽 🇫🇷\",\"kind\":\"é<b>&'\"}", json, StringComparison.Ordinal);
        Assert.Contains("\"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f\u007f\"", json, StringComparison.Ordinal);
        Assert.Contains("\"n\":[1.5,0,1e+21]", nodeRefusal, StringComparison.Ordinal);
    }

    public static TheoryData<string> StickyModes() => new(["polling", "default"]);

    /// <summary>
    /// The hook of the handshake response (SocketIOServerOptions.EngineIO.OnResponseHeaders; Node's initial_headers) sets a
    /// sticky-session cookie, and the official client (withCredentials, its cookie jar) sends it back on every later request:
    /// polls, POSTs and the WebSocket upgrade. Node and ours (both WebSocket transports) see the same kinds of requests.
    /// </summary>
    [Theory]
    [MemberData(nameof(StickyModes))]
    public async Task Sticky_session_cookie_of_the_handshake_is_sent_back_by_the_official_client(string mode)
    {
        var node = await CookiesSeenAsync(fixture.NodeAddress, mode);
        var ours = await CookiesSeenAsync(fixture.OurAddress, mode);
        var lean = await CookiesSeenAsync(fixture.OurLeanAddress, mode);
        output.WriteLine($"node: {string.Join(" | ", node)}\nours: {string.Join(" | ", ours)}\nlean: {string.Join(" | ", lean)}");

        string[] expected = mode == "polling"
            ? ["polling GET -", "polling GET sticky=node-1", "polling POST sticky=node-1"]
            : ["polling GET -", "polling GET sticky=node-1", "polling POST sticky=node-1", "websocket GET sticky=node-1"];
        foreach (var seen in new[] { node, ours, lean })
        {
            Assert.Equal("polling GET -", seen[0]);
            Assert.Equal(expected, seen.Distinct().Order(StringComparer.Ordinal));
        }
    }

    private static async Task<string[]> CookiesSeenAsync(string address, string mode)
    {
        var result = await NodeScript.RunAsync("sticky-client.mjs", [address, mode, Guid.NewGuid().ToString("N")], TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0 && result.Events("done").Count == 1, result.Describe());
        var cookies = result.One("cookies");
        Assert.Equal(mode == "polling" ? "polling" : "websocket", cookies.GetProperty("transport").GetString());
        return cookies.GetProperty("seen").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>Connects to "/refused" and returns the CONNECT_ERROR packet.</summary>
    private static async Task<string?> RefusedAsync(string address, string transport)
    {
        await using var client = await RawSocketIOClient.OpenAsync(address, transport);
        await client.SendAsync("0/refused,");
        return await client.ReceiveAsync();
    }

    public static TheoryData<string, bool> HandshakeCases() => new()
    {
        { "polling", false },
        { "websocket", false },
        { "websocket", true },
        { "upgrade", false },
        { "upgrade", true },
    };

    /// <summary>
    /// socket.handshake of Node and ours (SocketIOHandshake in Node's shape) for the same requests: the first request's
    /// headers, url and query with an Origin (xdomain), the CONNECT's auth, read after several requests (polling), after the
    /// 101 (WebSocket), or over the WebSocket after an upgrade whose request had other headers; equal field by field, the
    /// Host's port and the WebSocket key aside, <c>issued</c> and <c>time</c> checked against the clock and each other.
    /// </summary>
    [Theory]
    [MemberData(nameof(HandshakeCases))]
    public async Task Handshake_is_the_first_request_and_the_connect_auth_as_node_sees_them(string transport, bool lean)
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var node = await HandshakeAsync(fixture.NodeAddress, transport);
        var ours = await HandshakeAsync(lean ? fixture.OurLeanAddress : fixture.OurAddress, transport);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        output.WriteLine($"node: {node.GetRawText()}\nours: {ours.GetRawText()}");

        Assert.Equal(
            new[] { "address", "auth", "headers", "issued", "query", "secure", "time", "url", "xdomain" },
            node.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(node.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), ours.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var field in new[] { "address", "auth", "query", "secure", "url", "xdomain" })
        {
            Assert.True(
                JsonElement.DeepEquals(node.GetProperty(field), ours.GetProperty(field)),
                $"{field}: node {node.GetProperty(field).GetRawText()}, ours {ours.GetProperty(field).GetRawText()}");
        }
        Assert.Equal(Headers(node, fixture.NodeAddress), Headers(ours, lean ? fixture.OurLeanAddress : fixture.OurAddress));
        Assert.Contains("\"x-first\":\"first\"", Headers(node, fixture.NodeAddress), StringComparison.Ordinal);
        Assert.True(node.GetProperty("xdomain").GetBoolean());
        Assert.Equal("té", node.GetProperty("auth").GetProperty("token").GetString());

        foreach (var handshake in new[] { node, ours })
        {
            // issued: the CONNECT's time in ms; time: the same instant as JavaScript's Date.toString() (Node computes time
            // just before issued, so the two may straddle a second).
            var issued = handshake.GetProperty("issued").GetInt64();
            Assert.InRange(issued, before, after);
            var time = handshake.GetProperty("time").GetString()!;
            var zone = TimeZoneInfo.Local;
            Assert.True(
                time == SocketIOHandshakeFormat(issued, zone) || time == SocketIOHandshakeFormat(issued - 999, zone),
                $"time \"{time}\" is not issued {issued} ({SocketIOHandshakeFormat(issued, zone)})");
        }
        Assert.Equal(Zone(node.GetProperty("time").GetString()!), Zone(ours.GetProperty("time").GetString()!));

        static string Zone(string time) => time[time.IndexOf(" GMT", StringComparison.Ordinal)..];
    }

    /// <summary>What SocketIOHandshake.Time gives for an instant in ms (a handshake built for that instant).</summary>
    private static string SocketIOHandshakeFormat(long unixMilliseconds, TimeZoneInfo zone)
    {
        Assert.Same(TimeZoneInfo.Local, zone);
        return new SocketIOHandshake(
            new Microsoft.AspNetCore.Http.HeaderDictionary(), new Microsoft.AspNetCore.Http.QueryCollection(), "/", null,
            DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds), false, default).Time;
    }

    /// <summary>The headers sorted, without the random Sec-WebSocket-Key, the Host checked against the server's and replaced.</summary>
    private static string Headers(JsonElement handshake, string address)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in handshake.GetProperty("headers").EnumerateObject())
        {
            if (header.Name == "host")
            {
                Assert.Equal(new Uri(address).Authority, header.Value.GetString());
                headers["host"] = "(the server)";
            }
            else if (header.Name != "sec-websocket-key")
            {
                headers[header.Name] = header.Value.ToString();
            }
        }
        return JsonSerializer.Serialize(headers, RelaxedJson);
    }

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Opens a session as the handshake test does and returns the server's socket.handshake.</summary>
    private static async Task<JsonElement> HandshakeAsync(string address, string transport)
    {
        KeyValuePair<string, string>[] first = [new("X-First", "first"), new("Origin", "http://origin.example"), new("Accept-Language", "fr, en;q=0.5")];
        await using var client = await RawSocketIOClient.OpenAsync(
            address, transport == "upgrade" ? "polling" : transport, "&a=1&b=%C3%A9&c=x+y&a=2&empty=", first);
        var connect = await client.ConnectAsync("{\"token\":\"t\\u00e9\",\"n\":[1,{\"a\":null}]}");
        Assert.StartsWith("0{\"sid\":", connect, StringComparison.Ordinal);

        // more requests (over polling: POSTs and polls) before the handshake is read
        await client.SendAsync("2[\"sync\"]");
        Assert.Equal("2[\"synced\"]", await client.ReceiveAsync());
        if (transport == "upgrade")
        {
            await client.UpgradeAsync([new("X-Later", "upgrade"), new("Origin", "http://later.example")]);
        }
        await client.SendAsync("21[\"handshake\"]");
        var answer = await client.ReceiveAsync();
        Assert.StartsWith("31[", answer, StringComparison.Ordinal);
        return JsonDocument.Parse(answer![2..]).RootElement[0].Clone();
    }

    /// <summary>
    /// Connects to "/", sends <paramref name="frame"/> (a Socket.IO packet) then the barrier <c>2["sync"]</c>, and returns
    /// every packet received up to the barrier's answer, or up to the session's end (then "(closed)" ends the list).
    /// </summary>
    private static async Task<string> PlayAsync(string address, string transport, string frame)
    {
        await using var client = await RawSocketIOClient.OpenAsync(address, transport);
        var connect = await client.ConnectAsync();
        Assert.StartsWith("0{\"sid\":", connect, StringComparison.Ordinal);
        await client.SendAsync(frame);
        await client.SendAsync("2[\"sync\"]");
        var received = new List<string>();
        while (true)
        {
            var packet = await client.ReceiveAsync();
            received.Add(packet ?? "(closed)");
            if (packet is null or "2[\"synced\"]")
            {
                return string.Join(" | ", received.Select(p => p == "(closed)" ? p : "4" + p));
            }
        }
    }

    /// <summary>Both servers for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private NodeScript? _node;
        private LoopbackServer? _ours;
        private LoopbackServer? _oursLean;

        public string NodeAddress { get; private set; } = "";

        public string OurAddress => _ours!.BaseAddress;

        /// <summary>Ours with WebSockets on the lean Kestrel transport (<see cref="OurAddress"/>: through ASP.NET Core's middleware).</summary>
        public string OurLeanAddress => _oursLean!.BaseAddress;

        public async Task InitializeAsync()
        {
            var (process, ready) = await NodeScript.StartAsync(
                "sio-exact-server.mjs", "listening", TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10), "0");
            _node = process;
            NodeAddress = $"http://127.0.0.1:{ready.GetProperty("port").GetInt32()}";
            _ours = await LoopbackServer.StartAsync(
                services => services.AddSocketIO(o => ConfigureOptions(o, lean: false)),
                app => MapBoth(app));
            _oursLean = await LoopbackServer.StartAsync(
                services => services.AddSocketIO(o => ConfigureOptions(o, lean: true)),
                app => MapBoth(app));
        }

        /// <summary>The Cookie header of every request of a run (query "run"), as sio-exact-server.mjs records them.</summary>
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>> SeenByRun = new();

        /// <summary>What sio-exact-server.mjs configures: a sticky-session cookie on the handshake, every request recorded.</summary>
        private static void ConfigureOptions(SocketIOServerOptions options, bool lean)
        {
            options.EngineIO.KestrelWebSocketTransport = lean;
            options.EngineIO.OnResponseHeaders = response =>
            {
                if (response.IsHandshake)
                {
                    response.Cookies.Append("sticky", "node-1", new Microsoft.AspNetCore.Http.CookieOptions { Path = "/", HttpOnly = true });
                }
                var request = response.HttpContext.Request;
                if (request.Query["run"] is [{ } run])
                {
                    var cookie = request.Headers.Cookie.ToString();
                    SeenByRun.GetOrAdd(run, _ => new()).Enqueue($"{response.Transport} {request.Method} {(cookie.Length == 0 ? "-" : cookie)}");
                }
            };
        }

        private static void MapBoth(WebApplication app)
        {
            app.MapSocketIO("/", ns => ns.OnConnection(Configure));
            app.MapSocketIO("/refused", ns => ns.Use((_, _) =>
            {
                // data as a user may build it: System.Text.Json's default escaping and number formats
                var strings = JsonTextStrings.Values;
                var data = new JsonObject
                {
                    [JsonTextStrings.Key] = strings[1],
                    ["list"] = new JsonArray(strings.Select(v => (JsonNode?)v).ToArray()),
                    ["n"] = new JsonArray(1.5, -0.0, 1e21),
                };
                using var document = JsonDocument.Parse(data.ToJsonString());
                throw new SocketIOConnectionRejectedException(strings[0] + strings[2], document.RootElement.Clone());
            }));
        }

        /// <summary>What sio-exact-server.mjs does on "/", with our untyped API.</summary>
        private static void Configure(SocketIOSocket socket)
        {
            foreach (var name in ListenerNames)
            {
                socket.On(name, (args, ack) =>
                {
                    var values = new object?[args.Count + 1];
                    values[0] = name;
                    for (var i = 0; i < args.Count; i++)
                    {
                        values[i + 1] = args.GetElement(i);
                    }
                    socket.Emit("handled", values);
                    ack.Send("ack", name);
                    return ValueTask.CompletedTask;
                });
            }
            socket.On("nulls", (_, ack) =>
            {
                socket.Emit("nulled", null);
                ack.Send(null);
                return ValueTask.CompletedTask;
            });
            socket.On("sync", _ => socket.Emit("synced"));
            socket.On("json", (_, ack) =>
            {
                var strings = JsonTextStrings.Values;
                socket.Emit("strings", strings);
                socket.Emit("object", new JsonObject
                {
                    [JsonTextStrings.Key] = strings[0],
                    ["nested"] = new JsonArray(new JsonObject { [JsonTextStrings.Key] = strings[2] }),
                });
                socket.As<IJsonTextServer, IJsonTextClient>().Emit.Dto(new JsonTextDto(strings[1], JsonTextKind.Odd));
                ack.Send(strings);
                return ValueTask.CompletedTask;
            });
            socket.As<IJsonTextServer, IJsonTextClient>().On.TypedAck(() => new JsonTextDto(JsonTextStrings.Values[2], JsonTextKind.Odd));
            socket.On("cookies", (_, ack) =>
            {
                var seen = SeenByRun.TryGetValue(socket.Handshake.Query["run"].ToString(), out var queue) ? queue.ToArray() : [];
                ack.Send(new JsonArray(seen.Select(v => (JsonNode?)v).ToArray()));
                return ValueTask.CompletedTask;
            });
            socket.On("handshake", (_, ack) =>
            {
                ack.Send(NodeShape(socket.Handshake));
                return ValueTask.CompletedTask;
            });
        }

        /// <summary>
        /// <see cref="SocketIOHandshake"/> as Node's socket.handshake: header names in lower case (values of a repeated header
        /// joined with ", "), a repeated query parameter as its last value, the address as a string.
        /// </summary>
        private static JsonObject NodeShape(SocketIOHandshake handshake)
        {
            var headers = new JsonObject();
            foreach (var header in handshake.Headers)
            {
                headers[header.Key.ToLowerInvariant()] = string.Join(", ", header.Value.ToArray());
            }
            var query = new JsonObject();
            foreach (var parameter in handshake.Query)
            {
                query[parameter.Key] = parameter.Value[^1];
            }
            return new JsonObject
            {
                ["headers"] = headers,
                ["time"] = handshake.Time,
                ["address"] = handshake.RemoteAddress?.ToString(),
                ["xdomain"] = handshake.IsCrossDomain,
                ["secure"] = handshake.IsSecure,
                ["issued"] = handshake.IssuedAt.ToUnixTimeMilliseconds(),
                ["url"] = handshake.Url,
                ["query"] = query,
                ["auth"] = JsonNode.Parse(handshake.AuthJson.Span),
            };
        }

        public async Task DisposeAsync()
        {
            if (_ours is not null)
            {
                await _ours.DisposeAsync();
            }
            if (_oursLean is not null)
            {
                await _oursLean.DisposeAsync();
            }
            if (_node is not null)
            {
                await _node.DisposeAsync();
            }
        }
    }
}
