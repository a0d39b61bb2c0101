using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.SocketIO;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// The .NET client and the official socket.io-client 4.8.4 (tests/interop-node/client-sequence.mjs) through the same
/// scenario against the official Node socket.io 4.8.4 server: the JavaScript client's observed event sequence is the
/// expected value of ours.
/// </summary>
public sealed class SideBySideTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>Engine events come on the connection's threads, the others through the event queue: compared apart.</summary>
    private static readonly string[] EngineEvents = ["upgrading", "upgrade"];

    [Fact]
    public async Task ReconnectionEvents_InTheOfficialOrder_AndConnectAfterReconnectFailed_StartsAFreshAttempt()
    {
        // A port with nothing listening: the server is started, its port noted, and stopped.
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        await server.StopAsync();
        var jsOptions = new JsonObject
        {
            ["reconnectionAttempts"] = 2,
            ["reconnectionDelay"] = 100,
            ["reconnectionDelayMax"] = 100,
            ["randomizationFactor"] = 0,
        };
        await using NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString());
        await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
        await js.SendAsync("connect");
        await WaitForSeenAsync(js, "reconnect_failed");
        await WaitForSeenAsync(js, "reconnect_error", occurrence: 2);

        SocketIOClientOptions options = Fast();
        options.ReconnectionAttempts = 2;
        options.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
        options.ReconnectionDelayMax = TimeSpan.FromMilliseconds(100);
        options.RandomizationFactor = 0;
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        using var seen = new Recorder(client);
        await Assert.ThrowsAsync<SocketIOConnectErrorException>(() => client.ConnectAsync().WaitAsync(Wait));
        await seen.WaitForAsync("reconnect_error", occurrence: 2);
        Assert.True(client.IsActive);   // as socket.active after reconnect_failed

        // The manager gave up; a new connect starts a fresh attempt (it used to hang, the socket being still active).
        await server.StartAgainAsync();
        await js.SendAsync("connect");
        await WaitForSeenAsync(js, "connect");
        await client.ConnectAsync().WaitAsync(Wait);
        await seen.WaitForAsync("connect");

        // Connection errors carry transport-specific messages ("xhr poll error" in JS): the sequence compares their kind.
        List<string> expected = Seen(js).Where(e => !EngineEvents.Contains(e)).Select(WithoutMessage).ToList();
        Assert.Equal(
            ["connect_error", "reconnect_attempt:1", "connect_error", "reconnect_error", "reconnect_attempt:2", "connect_error",
             "reconnect_failed", "reconnect_error", "connect"],
            expected);
        Assert.Equal(expected, seen.Events.Where(e => !EngineEvents.Contains(e)).Select(WithoutMessage).ToList());
    }

    [Fact]
    public async Task ConnectTimeout_IsOneTimerWithOneMessage()
    {
        // Accepts TCP connections and never answers: only the connect timeout ends an attempt.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<Socket>();
        using var stop = new CancellationTokenSource(Wait * 2);
        Task accepting = Task.Run(async () =>
        {
            try
            {
                while (held.Count < 20)
                {
                    Socket accepted = await silent.AcceptSocketAsync(stop.Token);
                    lock (held)
                    {
                        held.Add(accepted);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var uri = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        try
        {
            await using (NodeScript js = NodeScript.Start("client-sequence.mjs", uri.ToString(), """{"timeout":300,"reconnection":false}"""))
            {
                await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
                await js.SendAsync("connect");
                await WaitForSeenAsync(js, "connect_error:timeout");
                Assert.Equal(["connect_error:timeout"], Seen(js));
            }

            // The same message on every run (two timers used to race: "timeout" or the engine's own message).
            foreach (SocketIOClientTransports transports in new[] { SocketIOClientTransports.All, SocketIOClientTransports.WebSocket, SocketIOClientTransports.All })
            {
                SocketIOClientOptions options = Fast();
                options.ConnectTimeout = TimeSpan.FromMilliseconds(300);
                options.Reconnection = false;
                options.Transports = transports;
                await using SocketIOClient client = SocketIOClient.Create(uri, options);
                using var seen = new Recorder(client);
                var error = await Assert.ThrowsAsync<SocketIOConnectErrorException>(() => client.ConnectAsync().WaitAsync(Wait));
                Assert.Equal("timeout", error.Message);
                await seen.WaitForAsync("connect_error:timeout");
                Assert.Equal(["connect_error:timeout"], seen.Events);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            lock (held)
            {
                held.ForEach(s => s.Dispose());
            }
        }
    }

    [Fact]
    public async Task EventsBeforeTheNamespaceConnect_AreDeliveredOnConnect()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        var early = new Uri(server.Uri, "/early");
        await using NodeScript js = NodeScript.Start("client-sequence.mjs", early.ToString(), "{}");
        await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
        await js.SendAsync("connect");
        await WaitForSeenAsync(js, "event:welcome");

        await using SocketIOClient client = SocketIOClient.Create(early, Fast());
        using var seen = new Recorder(client);
        var connectedInListener = new TaskCompletionSource<(bool, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("early", _ => connectedInListener.TrySetResult((client.IsConnected, client.Id)));
        await client.ConnectAsync().WaitAsync(Wait);
        await seen.WaitForAsync("event:welcome");

        List<string> expected = Seen(js).Where(e => !EngineEvents.Contains(e)).ToList();
        Assert.Equal(["event:early", "connect", "event:welcome"], expected);
        Assert.Equal(expected, seen.Events.Where(e => !EngineEvents.Contains(e)).ToList());

        // As in the JavaScript client, the buffered event is delivered once connected: the socket has its id then.
        (bool connected, string? id) = await connectedInListener.Task.WaitAsync(Wait);
        Assert.True(connected);
        Assert.Equal(client.Id, id);
    }

    [Fact]
    public async Task VolatileEmitDuringTheUpgrade_IsSentOverTheNewTransport()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), "{}", "volatile-on-upgrading"))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "upgrade");
            await WaitForAsync(() => server.Sequence.Count == 1, server);
            Assert.Equal([42], server.Sequence);
            Assert.Equal(EngineEvents, Seen(js).Where(EngineEvents.Contains));
        }

        await using SocketIOClient client = SocketIOClient.Create(server.Uri, Fast());
        using var seen = new Recorder(client);
        var emitted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

        // In the upgrading event the queue is paused for the switch: the packet waits and goes over the WebSocket
        // (it used to be dropped, the engine reporting "not writable" during the whole upgrade).
        client.Manager.Engine.Upgrading += _ => emitted.TrySetResult(client.Volatile.Emit("seq", 42));
        await client.ConnectAsync().WaitAsync(Wait);
        await seen.WaitForAsync("upgrade");
        Assert.True(await emitted.Task.WaitAsync(Wait));
        await WaitForAsync(() => server.Sequence.Count == 2, server);
        Assert.Equal([42, 42], server.Sequence);
        Assert.Equal(EngineEvents, seen.Events.Where(EngineEvents.Contains));
        Assert.Equal("websocket", client.Manager.Engine.Transport);
    }

    [Fact]
    public async Task RememberUpgrade_TheReconnectionOpensOverWebSocket()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        var jsOptions = new JsonObject { ["rememberUpgrade"] = true, ["reconnectionDelay"] = 100, ["randomizationFactor"] = 0 };
        List<string> expected;
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString()))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "upgrade");
            await js.SendAsync("emit drop");
            await WaitForSeenAsync(js, "connect", occurrence: 2);

            // The first connect may come before or after the upgrade; the reconnection opens over WebSocket at once.
            Assert.Equal("websocket", ConnectTransports(js)[1]);
            Assert.Equal(1, Seen(js).Count(e => e == "upgrading"));
            expected = Seen(js).Where(e => !EngineEvents.Contains(e) && e != "event:missed").ToList();
        }

        Assert.Equal(["connect", "disconnect:transport close", "reconnect_attempt:1", "reconnect:1", "connect"], expected);

        SocketIOClientOptions options = Fast();
        options.RememberUpgrade = true;
        options.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
        options.RandomizationFactor = 0;
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        using var seen = new Recorder(client);
        var transports = new List<string?>();
        client.Connected += () =>
        {
            lock (transports)
            {
                transports.Add(client.Manager.Engine.Transport);
            }
        };
        await client.ConnectAsync().WaitAsync(Wait);
        await seen.WaitForAsync("upgrade");
        client.Emit("drop");
        await seen.WaitForAsync("connect", occurrence: 2);
        lock (transports)
        {
            // The first connect may see polling or, after a quick upgrade, websocket; the reconnection is WebSocket at once.
            Assert.Equal("websocket", transports[1]);
        }

        Assert.Equal(1, seen.Events.Count(e => e == "upgrading"));
        Assert.Equal(expected, seen.Events.Where(e => !EngineEvents.Contains(e) && e != "event:missed").ToList());
    }

    [Fact]
    public async Task ServerSideDisconnect_EndsWithoutReconnection()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        var jsOptions = new JsonObject { ["reconnectionDelay"] = 100, ["randomizationFactor"] = 0 };
        List<string> expected;
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString()))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "connect");
            await js.SendAsync("emit kick");
            await WaitForSeenAsync(js, "disconnect:io server disconnect");
            await Task.Delay(500);   // a reconnection would start within reconnectionDelay (100 ms)
            expected = Seen(js).Where(e => !EngineEvents.Contains(e)).ToList();
        }

        Assert.Equal(["connect", "disconnect:io server disconnect"], expected);
        SocketIOClientOptions options = Fast();
        options.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
        options.RandomizationFactor = 0;
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        using var seen = new Recorder(client);
        await client.ConnectAsync().WaitAsync(Wait);
        client.Emit("kick");
        await seen.WaitForAsync("disconnect:io server disconnect");
        await Task.Delay(500);
        Assert.Equal(expected, seen.Events.Where(e => !EngineEvents.Contains(e)).ToList());
        Assert.False(client.IsActive);
    }

    [Theory]
    [MemberData(nameof(ClientSuite.Transports), MemberType = typeof(ClientSuite))]
    public async Task EngineView_IdTransportAndPackets(string transport)
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        SocketIOClientOptions options = Fast();
        options.Transports = ClientSuite.TransportsFor(transport);
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        SocketIOClientEngine engine = client.Manager.Engine;
        var received = new List<string>();
        var sent = new List<string>();
        var pinged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upgraded = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Upgraded += name => upgraded.TrySetResult(name);
        engine.PacketReceived += packet =>
        {
            lock (received)
            {
                received.Add(packet.Type + ":" + (packet.IsBinary ? "binary" : System.Text.Encoding.UTF8.GetString(packet.Data.Span)));
            }

            if (packet.Type == TypedSocketIO.EngineIO.EngineIOPacketType.Ping)
            {
                pinged.TrySetResult();
            }
        };
        engine.PacketSent += packet =>
        {
            lock (sent)
            {
                sent.Add(packet.Type + ":" + System.Text.Encoding.UTF8.GetString(packet.Data.Span));
            }
        };
        Assert.Null(engine.Id);
        Assert.Null(engine.Transport);
        await client.ConnectAsync().WaitAsync(Wait);
        if (transport == "upgrade")
        {
            Assert.Equal("websocket", await upgraded.Task.WaitAsync(Wait));
        }

        JsonElement seenByServer = (await client.EmitWithAckAsync("engine").WaitAsync(Wait)).GetElement(0);
        Assert.Equal(seenByServer.GetProperty("id").GetString(), engine.Id);
        Assert.Equal(transport == "polling" ? "polling" : "websocket", seenByServer.GetProperty("transport").GetString());
        Assert.Equal(seenByServer.GetProperty("transport").GetString(), engine.Transport);
        await pinged.Task.WaitAsync(Wait);   // the server pings every second
        await WaitForAsync(() =>
        {
            lock (sent)
            {
                return sent.Contains("Pong:");
            }
        }, server);
        lock (received)
        {
            Assert.Contains(received, r => r.StartsWith("Message:0{\"sid\":", StringComparison.Ordinal));
            Assert.Contains(received, r => r.StartsWith("Message:30[", StringComparison.Ordinal));
        }

        lock (sent)
        {
            Assert.Contains("Message:0", sent);
            Assert.Contains("Message:20[\"engine\"]", sent);
        }

        Assert.Equal(0, engine.WriteBufferLength);
    }

    [Theory]
    [MemberData(nameof(ClientSuite.Transports), MemberType = typeof(ClientSuite))]
    public async Task NestedBinary_TypedAndUntyped(string transport)
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        SocketIOClientOptions options = Fast();
        options.Transports = ClientSuite.TransportsFor(transport);
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        var nested = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("nested", args => nested.TrySetResult(args));
        await client.ConnectAsync().WaitAsync(Wait);
        client.Emit("send-nested");
        SocketIOArguments arguments = await nested.Task.WaitAsync(Wait);

        Nested? typed = arguments.GetValue(0, ClientTestJsonContext.Default.Nested);
        Assert.NotNull(typed);
        Assert.Equal(new byte[] { 1, 2, 3 }, typed.Data);
        Assert.Equal(1, typed.N);
        Assert.Equal([[4], [5, 6]], typed.List);

        JsonElement element = arguments.GetElement(0);
        Assert.True(arguments.TryGetBinary(element.GetProperty("data"), out ReadOnlyMemory<byte> data));
        Assert.Equal(new byte[] { 1, 2, 3 }, data.ToArray());
        Assert.True(arguments.TryGetBinary(element.GetProperty("list")[1], out ReadOnlyMemory<byte> second));
        Assert.Equal(new byte[] { 5, 6 }, second.ToArray());
        Assert.False(arguments.TryGetBinary(element.GetProperty("n"), out _));
    }

    /// <summary>
    /// The options that shape requests (path, addTrailingSlash, query, extraHeaders, transports, upgrade,
    /// timestampRequests, timestampParam, protocols): the requests the official client makes and ours, as the Node
    /// server saw them, are the same (query keys sorted; the random timestamp and the session id masked).
    /// </summary>
    [Theory]
    [InlineData("defaults")]
    [InlineData("no-trailing-slash")]
    [InlineData("websocket-only")]
    [InlineData("no-upgrade")]
    public async Task Requests_AsTheOfficialClientMakesThem(string scenario)
    {
        var jsOptions = new JsonObject();
        SocketIOClientOptions options = Fast();
        string[] serverArguments = ["--log-requests"];
        switch (scenario)
        {
            case "defaults":
                break;
            case "no-trailing-slash":
                serverArguments = ["--log-requests", "--no-trailing-slash"];
                jsOptions["path"] = "/socket.io";
                jsOptions["addTrailingSlash"] = false;
                jsOptions["extraHeaders"] = new JsonObject { ["x-extra"] = "1" };
                jsOptions["timestampRequests"] = true;
                jsOptions["timestampParam"] = "ts";
                jsOptions["protocols"] = new JsonArray("chat", "v2");
                options.Path = "/socket.io";
                options.AddTrailingSlash = false;
                options.ExtraHeaders["x-extra"] = "1";
                options.TimestampRequests = true;
                options.TimestampParam = "ts";
                options.Protocols.Add("chat");
                options.Protocols.Add("v2");
                break;
            case "websocket-only":
                jsOptions["transports"] = new JsonArray("websocket");
                jsOptions["query"] = new JsonObject { ["token"] = "a b&c" };
                jsOptions["extraHeaders"] = new JsonObject { ["x-token"] = "abc" };
                options.Transports = SocketIOClientTransports.WebSocket;
                options.Query["token"] = "a b&c";
                options.ExtraHeaders["x-token"] = "abc";
                break;
            case "no-upgrade":
                jsOptions["upgrade"] = false;
                jsOptions["timestampRequests"] = false;
                options.Upgrade = false;
                options.TimestampRequests = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario));
        }

        bool upgrades = scenario is "defaults" or "no-trailing-slash";
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync(serverArguments);

        // Each client's requests carry its own "who" parameter, which tells them apart in the server's log.
        jsOptions["query"] = jsOptions["query"] is JsonObject query ? query : new JsonObject();
        ((JsonObject)jsOptions["query"]!)["who"] = "js";
        options.Query["who"] = "dotnet";
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString()))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, upgrades ? "upgrade" : "connect");
            await js.SendAsync("emit hello");
            await WaitForSeenAsync(js, "event:welcome");
        }

        await using (SocketIOClient client = SocketIOClient.Create(server.Uri, options))
        {
            using var seen = new Recorder(client);
            await client.ConnectAsync().WaitAsync(Wait);
            await seen.WaitForAsync(upgrades ? "upgrade" : "connect");
            client.Emit("hello");
            await seen.WaitForAsync("event:welcome");
        }

        SortedSet<string> expected = RequestShapes(server, "js", options.TimestampParam);
        Assert.Contains(expected, r => r.Contains("transport=" + (scenario == "websocket-only" ? "websocket" : "polling"), StringComparison.Ordinal));
        Assert.Equal(upgrades, expected.Any(r => r.StartsWith("upgrade ", StringComparison.Ordinal) && r.Contains("sid=*", StringComparison.Ordinal)));
        Assert.Equal(string.Join('\n', expected), string.Join('\n', RequestShapes(server, "dotnet", options.TimestampParam)));
    }

    [Fact]
    public async Task EmitsBeforeConnect_AreBufferedButVolatileOnesDropped()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), "{}"))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("emit seq [1]");
            await js.SendAsync("volatile seq [2]");
            await js.SendAsync("emit seq [3]");
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "connect");
            await js.SendAsync("volatile seq [4]");
            await js.SendAsync("emit seq [5]");
            await WaitForAsync(() => server.Sequence.Contains(5), server);
        }

        // The volatile emit after connect may be dropped by either client (a polling write in flight): not compared.
        List<int> expected = [.. server.Sequence.Where(n => n != 4)];
        Assert.Equal([1, 3, 5], expected);

        await using SocketIOClient client = SocketIOClient.Create(server.Uri, Fast());
        Assert.True(client.Emit("seq", 1));
        Assert.False(client.Volatile.Emit("seq", 2));
        Assert.True(client.Emit("seq", 3));
        await client.ConnectAsync().WaitAsync(Wait);
        client.Volatile.Emit("seq", 4);
        client.Emit("seq", 5);
        await WaitForAsync(() => server.Sequence.Count(n => n == 5) == 2, server);
        Assert.Equal(expected, server.Sequence.SkipWhile(n => n != 5).Skip(1).Where(n => n != 4).ToList());
    }

    /// <summary>
    /// retries and ackTimeout: the server acknowledges "flaky" from its third try on; with two retries the third try
    /// is answered, with one the emit fails with the timeout. The tries the server sees and the outcome are the same.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public async Task Retries_TheTriesAndTheOutcome(int retries)
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        var jsOptions = new JsonObject { ["retries"] = retries, ["ackTimeout"] = 300 };
        List<string> expected;
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString()))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "connect");
            await js.SendAsync("ack flaky");
            await js.WaitForLineAsync(_ => Seen(js).Any(e => e.StartsWith("ack", StringComparison.Ordinal)), Wait);
            expected = [.. Seen(js).Where(e => !EngineEvents.Contains(e)).Select(WithoutDetail)];
        }

        await WaitForAsync(() => server.Events("flaky").Count >= retries + 1, server);
        int jsTries = server.Events("flaky").Count;
        Assert.Equal(retries + 1, jsTries);
        Assert.Equal(["connect", retries == 2 ? "ack:flaky:\"ok\"" : "ack_error:flaky:operation has timed out"], expected);

        SocketIOClientOptions options = Fast();
        options.Retries = retries;
        options.AckTimeout = TimeSpan.FromMilliseconds(300);
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        using var seen = new Recorder(client);
        await client.ConnectAsync().WaitAsync(Wait);
        string outcome;
        try
        {
            SocketIOArguments answer = await client.EmitWithAckAsync("flaky").WaitAsync(Wait);
            outcome = "ack:flaky:" + answer.GetElement(0).GetRawText();
        }
        catch (SocketIOClientAckTimeoutException e)
        {
            outcome = "ack_error:flaky:" + e.Message;
        }

        Assert.Equal(expected, [.. seen.Events.Where(e => !EngineEvents.Contains(e)), WithoutDetail(outcome)]);
        await WaitForAsync(() => server.Events("flaky").Count >= jsTries * 2, server);
        Assert.Equal(jsTries * 2, server.Events("flaky").Count);
        Assert.Equal(Enumerable.Range(1, jsTries), server.Events("flaky").Skip(jsTries).Select(l => l.GetProperty("try").GetInt32()));
    }

    [Fact]
    public async Task AuthCallback_IsCalledForEveryConnection()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        var jsOptions = new JsonObject { ["reconnectionDelay"] = 100, ["randomizationFactor"] = 0 };
        List<string> expected;
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString(), "auth-counter"))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "connect");
            await js.SendAsync("ack auth");
            await WaitForSeenAsync(js, "ack:auth:{\"n\":1}");
            await js.SendAsync("emit drop");
            await WaitForSeenAsync(js, "connect", occurrence: 2);
            await js.SendAsync("ack auth");
            await WaitForSeenAsync(js, "ack:auth:{\"n\":2}");
            expected = [.. Seen(js).Where(e => !EngineEvents.Contains(e) && e != "event:missed")];
        }

        Assert.Equal(
            ["connect", "ack:auth:{\"n\":1}", "disconnect:transport close", "reconnect_attempt:1", "reconnect:1", "connect", "ack:auth:{\"n\":2}"],
            expected);

        SocketIOClientOptions options = Fast();
        options.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
        options.RandomizationFactor = 0;
        int calls = 0;
        options.AuthProvider = _ => ValueTask.FromResult<JsonObject?>(new JsonObject { ["n"] = Interlocked.Increment(ref calls) });
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        using var seen = new Recorder(client);
        await client.ConnectAsync().WaitAsync(Wait);
        seen.Add("ack:auth:" + (await client.EmitWithAckAsync("auth").WaitAsync(Wait)).GetElement(0).GetRawText());
        client.Emit("drop");
        await seen.WaitForAsync("connect", occurrence: 2);
        seen.Add("ack:auth:" + (await client.EmitWithAckAsync("auth").WaitAsync(Wait)).GetElement(0).GetRawText());
        Assert.Equal(expected, seen.Events.Where(e => !EngineEvents.Contains(e) && e != "event:missed").ToList());
    }

    /// <summary>
    /// Connection state recovery (a Node server with connectionStateRecovery): the events, and socket.recovered at each
    /// connect. The connection is cut over WebSocket: the server replays the missed event before its CONNECT, so the
    /// client buffers it and delivers it before "connect" (JS emitBuffered). Cut while still polling, the server's
    /// close waits for the pending poll and the event may come after the CONNECT: the order then depends on timing.
    /// </summary>
    [Fact]
    public async Task Recovery_TheMissedEventAndRecovered()
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync("--recovery");
        var jsOptions = new JsonObject { ["reconnectionDelay"] = 100, ["randomizationFactor"] = 0 };
        List<string> expected;
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString()))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "connect");
            await WaitForSeenAsync(js, "upgrade");
            await js.SendAsync("emit hello [\"ada\"]");
            await WaitForSeenAsync(js, "event:welcome");
            await js.SendAsync("emit drop");
            await WaitForSeenAsync(js, "event:missed");
            await WaitForSeenAsync(js, "connect", occurrence: 2);
            expected =
            [
                .. js.Lines.Where(l => l.TryGetProperty("seen", out _) && !EngineEvents.Contains(l.GetProperty("seen").GetString()))
                    .Select(l => l.GetProperty("seen").GetString() + (l.TryGetProperty("recovered", out JsonElement r) ? ":recovered=" + r.GetBoolean() : string.Empty)),
            ];
        }

        Assert.Equal(
            ["connect:recovered=False", "event:welcome", "disconnect:transport close", "reconnect_attempt:1", "reconnect:1", "event:missed", "connect:recovered=True"],
            expected);

        SocketIOClientOptions options = Fast();
        options.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
        options.RandomizationFactor = 0;
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        using var seen = new Recorder(client);
        client.Connected += () => seen.Add("recovered=" + client.IsRecovered);
        await client.ConnectAsync().WaitAsync(Wait);
        string? pid = client.Pid;   // the server's CONNECT gives it (socket._pid)
        Assert.NotNull(pid);
        Assert.Null(client.LastOffset);
        await seen.WaitForAsync("upgrade");
        client.Emit("hello", "ada");
        await seen.WaitForAsync("event:welcome");
        string? offset = client.LastOffset;
        Assert.NotNull(offset);
        client.Emit("drop");
        await seen.WaitForAsync("event:missed");
        await seen.WaitForAsync("connect", occurrence: 2);

        // Connected is raised before the recorder's own handler for it runs: "connect" then "recovered=…".
        List<string> ours = seen.Events.Where(e => !EngineEvents.Contains(e)).ToList();
        for (int i = ours.Count - 2; i >= 0; i--)
        {
            if (ours[i] == "connect" && ours[i + 1].StartsWith("recovered=", StringComparison.Ordinal))
            {
                ours[i] = "connect:" + ours[i + 1];
                ours.RemoveAt(i + 1);
            }
        }

        Assert.Equal(expected, ours);
        Assert.Equal(pid, client.Pid);
        Assert.NotEqual(offset, client.LastOffset);
    }

    /// <summary>
    /// The engine's packets (socket.io.engine's "packet" and "packetCreate") over one transport for a connect and an emit
    /// with an acknowledgement: the same packets in the same order (pings and pongs, which depend on timing, apart).
    /// </summary>
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task EnginePackets_InTheOfficialOrder(string transport)
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync();
        var jsOptions = new JsonObject { ["transports"] = new JsonArray(transport) };
        List<string> expected;
        await using (NodeScript js = NodeScript.Start("client-sequence.mjs", server.Uri.ToString(), jsOptions.ToJsonString(), "engine-packets"))
        {
            await js.WaitForLineAsync(l => l.TryGetProperty("ready", out _), Wait);
            await js.SendAsync("connect");
            await WaitForSeenAsync(js, "connect");
            await js.SendAsync("ack echo [1,\"a\"]");
            await WaitForSeenAsync(js, "ack:echo:1");
            expected = [.. Seen(js).Where(IsComparedPacket)];
        }

        Assert.Equal(
            [
                "packet:open:{\"sid\":\"*\",\"upgrades\":[" + (transport == "polling" ? "\"websocket\"" : string.Empty) + "],\"pingInterval\":1000,\"pingTimeout\":1000,\"maxPayload\":1000000}",
                "packetCreate:message:0",
                "packet:message:0{\"sid\":\"*\"}",
                "packetCreate:message:20[\"echo\",1,\"a\"]",
                "packet:message:30[1,\"a\"]",
            ],
            expected);

        SocketIOClientOptions options = Fast();
        options.Transports = ClientSuite.TransportsFor(transport);
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        var ours = new List<string>();
        void Add(string direction, SocketIOClientEnginePacket packet)
        {
            string data = packet.IsBinary ? "<binary>" : System.Text.Encoding.UTF8.GetString(packet.Data.Span);
            data = System.Text.RegularExpressions.Regex.Replace(data, "\"sid\":\"[^\"]*\"", "\"sid\":\"*\"");
            lock (ours)
            {
                ours.Add($"{direction}:{packet.Type.ToString().ToLowerInvariant()}:{data}");
            }
        }

        client.Manager.Engine.PacketReceived += p => Add("packet", p);
        client.Manager.Engine.PacketSent += p => Add("packetCreate", p);
        await client.ConnectAsync().WaitAsync(Wait);
        await client.EmitWithAckAsync("echo", 1, "a").WaitAsync(Wait);
        lock (ours)
        {
            Assert.Equal(expected, ours.Where(IsComparedPacket).ToList());
        }
    }

    private static SocketIOClientOptions Fast() => new()
    {
        ForceNew = true,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectionDelay = TimeSpan.FromMilliseconds(200),
        ReconnectionDelayMax = TimeSpan.FromSeconds(1),
    };

    /// <summary>
    /// The distinct requests of one client as the server logged them: method (or <c>upgrade</c>), path, sorted query
    /// (the timestamp and the session id masked, <c>who</c> left out) and the logged headers.
    /// </summary>
    private static SortedSet<string> RequestShapes(NodeSuiteServer server, string who, string timestampParam)
    {
        var shapes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (JsonElement request in server.Requests)
        {
            string url = request.GetProperty("url").GetString()!;
            int question = url.IndexOf('?', StringComparison.Ordinal);
            string path = question < 0 ? url : url[..question];
            var query = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (string pair in (question < 0 ? string.Empty : url[(question + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                string key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
                string value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
                query[key] = key == timestampParam || key == "sid" ? "*" : value;
            }

            if (!query.Remove("who", out string? requester) || requester != who)
            {
                continue;
            }

            // A header list is compared as a list: "chat,v2" (ws) and "chat, v2" (ClientWebSocket) are the same value.
            string headers = string.Join(
                " ",
                request.GetProperty("headers").EnumerateObject().OrderBy(h => h.Name, StringComparer.Ordinal)
                    .Select(h => h.Name + ": " + string.Join(",", h.Value.GetString()!.Split(',', StringSplitOptions.TrimEntries))));
            string method = request.GetProperty("upgrade").GetBoolean() ? "upgrade" : request.GetProperty("method").GetString()!;
            shapes.Add($"{method} {path}?{string.Join('&', query.Select(p => p.Key + "=" + p.Value))} {headers}".TrimEnd());
        }

        return shapes;
    }

    /// <summary>An ack error without what follows the official message (ours adds the event and the timeout).</summary>
    private static string WithoutDetail(string seen) =>
        seen.StartsWith("ack_error:", StringComparison.Ordinal) && seen.IndexOf(':', "ack_error:".Length) is int name and > 0 && seen.IndexOf(':', name + 1) is int detail and > 0
            ? seen[..detail]
            : seen;

    private static bool IsComparedPacket(string seen) =>
        seen.StartsWith("packet", StringComparison.Ordinal) && !seen.Contains(":ping:", StringComparison.Ordinal) && !seen.Contains(":pong:", StringComparison.Ordinal);

    private static string WithoutMessage(string seen) => seen.StartsWith("connect_error:", StringComparison.Ordinal) ? "connect_error" : seen;

    private static List<string> Seen(NodeScript js) =>
        [.. js.Lines.Where(l => l.TryGetProperty("seen", out _)).Select(l => l.GetProperty("seen").GetString()!)];

    private static List<string> ConnectTransports(NodeScript js) =>
        [.. js.Lines.Where(l => l.TryGetProperty("seen", out JsonElement s) && s.GetString() == "connect").Select(l => l.GetProperty("transport").GetString()!)];

    private static Task<JsonElement> WaitForSeenAsync(NodeScript js, string name, int occurrence = 1) =>
        js.WaitForLineAsync(_ => Seen(js).Count(s => s == name) >= occurrence, Wait);

    private static async Task WaitForAsync(Func<bool> condition, NodeSuiteServer server)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail("Condition not met in time. " + string.Join(",", server.Sequence) + "\n" + server.Describe());
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The .NET client's events in the vocabulary of client-sequence.mjs, in the order they were raised.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly List<string> _events = [];
        private readonly SemaphoreSlim _changed = new(0);

        public Recorder(SocketIOClient client)
        {
            client.Connected += () => Add("connect");
            client.ConnectError += e => Add("connect_error:" + e.Message);
            client.Disconnected += r => Add("disconnect:" + r);
            client.OnAny((name, _) => Add("event:" + name));
            client.Manager.ReconnectAttempt += n => Add("reconnect_attempt:" + n);
            client.Manager.Reconnected += n => Add("reconnect:" + n);
            client.Manager.ReconnectError += _ => Add("reconnect_error");
            client.Manager.ReconnectFailed += () => Add("reconnect_failed");
            client.Manager.Engine.Upgrading += _ => Add("upgrading");
            client.Manager.Engine.Upgraded += _ => Add("upgrade");
        }

        public void Dispose() => _changed.Dispose();

        public List<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public async Task WaitForAsync(string name, int occurrence = 1)
        {
            using var timeout = new CancellationTokenSource(Wait);
            while (Events.Count(e => e == name) < occurrence)
            {
                try
                {
                    await _changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"'{name}' ×{occurrence} not seen in time: {string.Join(", ", Events)}");
                }
            }
        }

        public void Add(string name)
        {
            lock (_events)
            {
                _events.Add(name);
            }

            try
            {
                _changed.Release();
            }
            catch (ObjectDisposedException)
            {
                // Events raised while the client is disposed, after the test.
            }
        }
    }
}
