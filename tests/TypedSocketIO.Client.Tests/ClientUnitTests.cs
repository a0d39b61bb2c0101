using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.Client.Internal;
using TypedSocketIO.Client.Tests.Fakes;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client.Tests;

/// <summary>The Socket.IO client over an in-memory Engine.IO session: the exact packets, both ways.</summary>
public sealed class ClientUnitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Connect_SendsAuthInConnectPacket_AndCompletesOnServerConnect()
    {
        var server = new FakeServer();
        SocketIOClientOptions options = FakeServer.Fast();
        options.Auth = new JsonObject { ["token"] = "abc", ["n"] = 1 };
        await using SocketIOClient client = server.Client("/", options);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected += () => connected.TrySetResult();

        Task connect = client.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        Assert.Equal("""0{"token":"abc","n":1}""", await engine.NextAsync());
        Assert.False(connect.IsCompleted);

        engine.Receive("""0{"sid":"s1"}""");
        await connect.WaitAsync(Wait);
        await connected.Task.WaitAsync(Wait);
        Assert.True(client.IsConnected);
        Assert.Equal("s1", client.Id);
        Assert.False(client.IsRecovered);
    }

    [Fact]
    public async Task Connect_NamespaceWithoutAuth_SendsBareConnect()
    {
        var server = new FakeServer();
        await using SocketIOClient client = server.Client("/admin");
        Task connect = client.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        Assert.Equal("0/admin,", await engine.NextAsync());
        engine.Receive("""0/admin,{"sid":"a1"}""");
        await connect.WaitAsync(Wait);
        Assert.Equal("/admin", client.Namespace);
    }

    [Fact]
    public async Task AuthProvider_IsCalledOnEveryConnection()
    {
        var server = new FakeServer();
        int calls = 0;
        SocketIOClientOptions options = FakeServer.Fast();
        options.AuthProvider = _ => ValueTask.FromResult<JsonObject?>(new JsonObject { ["call"] = Interlocked.Increment(ref calls) });
        await using SocketIOClient client = server.Client("/", options);
        Task connect = client.ConnectAsync();
        FakeEngine first = await server.NextEngineAsync();
        Assert.Equal("""0{"call":1}""", await first.NextAsync());
        first.Receive("""0{"sid":"a"}""");
        await connect.WaitAsync(Wait);

        first.Drop();
        FakeEngine second = await server.NextEngineAsync();
        Assert.Equal("""0{"call":2}""", await second.NextAsync());
    }

    [Fact]
    public async Task Emit_WritesEventPacket_AndEmitWithAck_ReadsTheAck()
    {
        var (server, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;

        Assert.True(client.Emit("hello", "world", 1, true, null));
        Assert.Equal("""2["hello","world",1,true,null]""", await engine.NextAsync());

        Task<SocketIOArguments> ack = client.EmitWithAckAsync("add", 1, 2);
        Assert.Equal("""20["add",1,2]""", await engine.NextAsync());
        engine.Receive("30[3]");
        SocketIOArguments result = await ack.WaitAsync(Wait);
        Assert.Equal(3, result.GetElement(0).GetInt32());

        Task<SocketIOArguments> second = client.EmitWithAckAsync("add", 2, 2);
        Assert.Equal("""21["add",2,2]""", await engine.NextAsync());
        engine.Receive("31[4]");
        Assert.Equal(4, (await second.WaitAsync(Wait)).GetElement(0).GetInt32());
    }

    [Fact]
    public async Task EmitNull_SendsOneNullArgument_AsJavaScriptEmitNull()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;

        Assert.True(client.Emit("x", null));
        Assert.Equal("""2["x",null]""", await engine.NextAsync());
        Assert.True(client.Timeout(TimeSpan.FromSeconds(30)).Emit("y", null));
        Assert.Equal("""2["y",null]""", await engine.NextAsync());

        Task<SocketIOArguments> ack = client.EmitWithAckAsync("ask", null);
        Assert.Equal("""20["ask",null]""", await engine.NextAsync());
        engine.Receive("30[null]");
        Assert.Equal(JsonValueKind.Null, (await ack.WaitAsync(Wait)).GetElement(0).ValueKind);
    }

    [Fact]
    public async Task EmitWithAck_Timeout_FailsWithAckTimeoutException()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        Task<SocketIOArguments> ack = client.Timeout(TimeSpan.FromMilliseconds(100)).EmitWithAckAsync("slow");
        Assert.Equal("""20["slow"]""", await engine.NextAsync());
        var error = await Assert.ThrowsAsync<SocketIOClientAckTimeoutException>(() => ack.WaitAsync(Wait));
        Assert.Equal("slow", error.EventName);

        // A late acknowledgement is ignored.
        engine.Receive("30[1]");
    }

    [Fact]
    public async Task Binary_Outgoing_BecomesPlaceholdersAndAttachments()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        client.Emit("bin", new byte[] { 1, 2, 3 }, new JsonObject { ["n"] = 1 });
        Assert.Equal("""51-["bin",{"_placeholder":true,"num":0},{"n":1}]""", await engine.NextAsync());
        Assert.Equal("bin:010203", await engine.NextAsync());
    }

    [Fact]
    public async Task Binary_Incoming_ReachesListenerAndAckCarriesBinaryBack()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("data", (args, ack) =>
        {
            byte[] bytes = args.GetBinary(0).ToArray();
            received.TrySetResult(bytes);
            ack.Send(bytes.Reverse().ToArray());
            return ValueTask.CompletedTask;
        });
        engine.Receive("""51-7["data",{"_placeholder":true,"num":0}]""");
        engine.ReceiveBinary([9, 8, 7]);
        Assert.Equal(new byte[] { 9, 8, 7 }, await received.Task.WaitAsync(Wait));
        Assert.Equal("""61-7[{"_placeholder":true,"num":0}]""", await engine.NextAsync());
        Assert.Equal("bin:070809", await engine.NextAsync());
    }

    [Fact]
    public async Task ServerAskingForAck_GetsOneAckPacket()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        client.On("question", (args, ack) =>
        {
            Assert.True(ack.IsRequested);
            Assert.True(ack.Send("answer", args.GetElement(1).GetInt32() + 1));
            Assert.False(ack.Send("twice"));
            return ValueTask.CompletedTask;
        });
        engine.Receive("""212["question","q",7]""");
        Assert.Equal("""312["answer",8]""", await engine.NextAsync());
    }

    [Fact]
    public async Task EmitsBeforeConnect_AreBufferedAndSentInOrder_VolatileDropped()
    {
        var server = new FakeServer();
        await using SocketIOClient client = server.Client();
        Assert.True(client.Emit("first", 1));
        Assert.False(client.Volatile.Emit("volatile", 2));
        Task<SocketIOArguments> ack = client.EmitWithAckAsync("second", 3);
        Task connect = client.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        Assert.Equal("0", await engine.NextAsync());
        Assert.Null(await engine.NextOrNullAsync(TimeSpan.FromMilliseconds(100)));
        engine.Receive("""0{"sid":"x"}""");
        await connect.WaitAsync(Wait);
        Assert.Equal("""2["first",1]""", await engine.NextAsync());
        Assert.Equal("""20["second",3]""", await engine.NextAsync());
        engine.Receive("30[]");
        Assert.Equal(0, (await ack.WaitAsync(Wait)).Count);
    }

    [Fact]
    public async Task Volatile_DroppedWhenTransportBusy_SentWhenWritable()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        engine.Writable = false;
        Assert.False(client.Volatile.Emit("tick", 1));
        engine.Writable = true;
        Assert.True(client.Volatile.Emit("tick", 2));
        Assert.Equal("""2["tick",2]""", await engine.NextAsync());
    }

    [Fact]
    public async Task LostConnection_ReconnectsWithBackoff_FlushesBufferInOrder_RaisesEvents()
    {
        var server = new FakeServer();
        await using SocketIOClient client = server.Client();
        var reasons = new List<string>();
        var attempts = new List<int>();
        var reconnected = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += reasons.Add;
        client.Manager.ReconnectAttempt += attempts.Add;
        client.Manager.Reconnected += n => reconnected.TrySetResult(n);
        Task connect = client.ConnectAsync();
        FakeEngine first = await server.NextEngineAsync();
        await first.NextAsync();
        first.Receive("""0{"sid":"a"}""");
        await connect.WaitAsync(Wait);

        Task<SocketIOArguments> pendingAck = client.EmitWithAckAsync("sent-before", 0);
        Assert.Equal("""20["sent-before",0]""", await first.NextAsync());

        server.FailOpens = 1;
        first.Drop("ping timeout");
        await Assert.ThrowsAsync<SocketIOClientDisconnectedException>(() => pendingAck.WaitAsync(Wait));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(client.Emit("buffered", i));
        }

        FakeEngine failed = await server.NextEngineAsync();
        FakeEngine second = await server.NextEngineAsync();
        Assert.Equal("0", await second.NextAsync());
        Assert.Equal(2, await reconnected.Task.WaitAsync(Wait));
        second.Receive("""0{"sid":"b"}""");
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal($$"""2["buffered",{{i}}]""", await second.NextAsync());
        }

        Assert.Equal("b", client.Id);
        Assert.Equal(["ping timeout"], reasons);
        Assert.Equal([1, 2], attempts);
        Assert.NotSame(failed, second);
    }

    [Fact]
    public async Task ServerDisconnect_DoesNotReconnect()
    {
        var (server, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += r => reason.TrySetResult(r);
        engine.Receive("1");
        Assert.Equal("io server disconnect", await reason.Task.WaitAsync(Wait));
        Assert.False(client.IsActive);
        Assert.Equal("<close>", await engine.NextAsync());
        await Task.Delay(300);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task ClientDisconnect_SendsDisconnect_AndClosesTheConnection()
    {
        var (server, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += r => reason.TrySetResult(r);
        await client.DisconnectAsync();
        Assert.Equal("1", await engine.NextAsync());
        Assert.Equal("<close>", await engine.NextAsync());
        Assert.Equal("io client disconnect", await reason.Task.WaitAsync(Wait));
        await Task.Delay(200);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task ConnectError_CarriesMessageAndData_AndIsFinal()
    {
        var server = new FakeServer();
        await using SocketIOClient client = server.Client("/private");
        var seen = new TaskCompletionSource<SocketIOConnectErrorException>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectError += e => seen.TrySetResult(e);
        Task connect = client.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        Assert.Equal("0/private,", await engine.NextAsync());
        engine.Receive("""4/private,{"message":"not authorized","data":{"code":401}}""");
        var error = await Assert.ThrowsAsync<SocketIOConnectErrorException>(() => connect.WaitAsync(Wait));
        Assert.Equal("not authorized", error.Message);
        Assert.True(error.IsServerRefusal);
        Assert.Equal(401, error.ServerData!.Value.GetProperty("code").GetInt32());
        Assert.Same(error, await seen.Task.WaitAsync(Wait));
        Assert.False(client.IsActive);
    }

    [Fact]
    public async Task UnreachableServer_WithoutReconnection_FailsConnect()
    {
        var server = new FakeServer { FailOpens = 1 };
        SocketIOClientOptions options = FakeServer.Fast();
        options.Reconnection = false;
        await using SocketIOClient client = server.Client("/", options);
        var error = await Assert.ThrowsAsync<SocketIOConnectErrorException>(() => client.ConnectAsync().WaitAsync(Wait));
        Assert.False(error.IsServerRefusal);
        Assert.IsType<IOException>(error.InnerException);
    }

    [Fact]
    public async Task UnreachableServer_RetriesUntilAttemptsRunOut()
    {
        var server = new FakeServer { FailOpens = 100 };
        SocketIOClientOptions options = FakeServer.Fast();
        options.ReconnectionAttempts = 2;
        await using SocketIOClient client = server.Client("/", options);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int errors = 0;
        client.ConnectError += _ => Interlocked.Increment(ref errors);
        client.Manager.ReconnectFailed += () => failed.TrySetResult();
        await Assert.ThrowsAsync<SocketIOConnectErrorException>(() => client.ConnectAsync().WaitAsync(Wait));
        await failed.Task.WaitAsync(Wait);
        Assert.Equal(3, server.Count);
        await Task.Delay(100);
        Assert.Equal(3, Volatile.Read(ref errors));
    }

    [Fact]
    public async Task StateRecovery_SendsPidAndLastOffset_AndReportsRecovered()
    {
        var (server, client, engine) = await ConnectedAsync("""0{"sid":"a","pid":"p1"}""");
        await using SocketIOClient _ = client;
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("x", _ => got.TrySetResult());
        engine.Receive("""2["x",1,"off-1"]""");
        await got.Task.WaitAsync(Wait);
        engine.Drop();
        FakeEngine second = await server.NextEngineAsync();
        Assert.Equal("""0{"pid":"p1","offset":"off-1"}""", await second.NextAsync());
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected += () => connected.TrySetResult();
        second.Receive("""0{"sid":"b","pid":"p1"}""");
        await connected.Task.WaitAsync(Wait);
        Assert.True(client.IsRecovered);
        Assert.Equal("p1", client.Pid);
        Assert.Equal("off-1", client.LastOffset);
    }

    [Fact]
    public async Task TwoNamespaces_ShareOneConnection()
    {
        var server = new FakeServer();
        await using SocketIOClient main = server.Client("/");
        await using SocketIOClient admin = server.Client("/admin");
        Assert.Same(main.Manager, admin.Manager);
        Task c1 = main.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        Assert.Equal("0", await engine.NextAsync());
        Task c2 = admin.ConnectAsync();
        Assert.Equal("0/admin,", await engine.NextAsync());
        engine.Receive("""0/admin,{"sid":"b"}""");
        engine.Receive("""0{"sid":"a"}""");
        await Task.WhenAll(c1, c2).WaitAsync(Wait);
        admin.Emit("ping");
        Assert.Equal("""2/admin,["ping"]""", await engine.NextAsync());

        // Disconnecting one namespace keeps the connection for the other.
        await admin.DisconnectAsync();
        Assert.Equal("1/admin,", await engine.NextAsync());
        Assert.Null(await engine.NextOrNullAsync(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(1, server.Count);

        // The same namespace twice: a new manager, as io() does.
        await using SocketIOClient again = server.Client("/admin");
        Assert.NotSame(admin.Manager, again.Manager);
    }

    [Fact]
    public async Task ForceNew_GivesItsOwnManager()
    {
        var server = new FakeServer();
        await using SocketIOClient a = server.Client("/");
        SocketIOClientOptions options = FakeServer.Fast();
        options.ForceNew = true;
        await using SocketIOClient b = server.Client("/other", options);
        Assert.NotSame(a.Manager, b.Manager);
    }

    [Fact]
    public async Task MultiplexOff_GivesEachNamespaceItsOwnManager()
    {
        var server = new FakeServer();
        SocketIOClientOptions options = FakeServer.Fast();
        options.ForceNew = false;
        options.Multiplex = false;
        await using SocketIOClient a = server.Client("/", options);
        await using SocketIOClient b = server.Client("/other", options);
        Assert.NotSame(a.Manager, b.Manager);
    }

    [Fact]
    public void Options_Defaults_AreTheJavaScriptClients()
    {
        // socket.io-client 4.8: path "/socket.io", transports polling+websocket, upgrade true, rememberUpgrade false,
        // timeout 20000, reconnection true, reconnectionAttempts Infinity, reconnectionDelay 1000,
        // reconnectionDelayMax 5000, randomizationFactor 0.5, ackTimeout none, retries 0, forceNew false, multiplex true.
        var options = new SocketIOClientOptions();
        Assert.Equal("/socket.io/", options.Path);
        Assert.Equal(SocketIOClientTransports.All, options.Transports);
        Assert.True(options.Upgrade);
        Assert.False(options.RememberUpgrade);
        Assert.Equal(TimeSpan.FromSeconds(20), options.ConnectTimeout);
        Assert.True(options.Reconnection);
        Assert.Equal(int.MaxValue, options.ReconnectionAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReconnectionDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ReconnectionDelayMax);
        Assert.Equal(0.5, options.RandomizationFactor);
        Assert.Null(options.AckTimeout);
        Assert.Equal(0, options.Retries);
        Assert.False(options.ForceNew);
        Assert.True(options.Multiplex);
        Assert.Null(options.Auth);
        Assert.Null(options.AuthProvider);
        Assert.Empty(options.Query);
        Assert.Empty(options.ExtraHeaders);

        // engine.io-client 6.6: addTrailingSlash true, timestampRequests undefined (polling only), timestampParam "t",
        // protocols none.
        Assert.True(options.AddTrailingSlash);
        Assert.Null(options.TimestampRequests);
        Assert.Equal("t", options.TimestampParam);
        Assert.Empty(options.Protocols);
    }

    [Fact]
    public async Task Retries_ResendUntilAcknowledged_OneAtATime()
    {
        var server = new FakeServer();
        SocketIOClientOptions options = FakeServer.Fast();
        options.Retries = 2;
        options.AckTimeout = TimeSpan.FromMilliseconds(150);
        var (_, client, engine) = await ConnectedAsync(options: options, server: server);
        await using SocketIOClient _ = client;
        Task<SocketIOArguments> first = client.EmitWithAckAsync("job", 1);
        Assert.True(client.Emit("job", 2));
        Assert.Equal("""20["job",1]""", await engine.NextAsync());
        Assert.Equal("""21["job",1]""", await engine.NextAsync());   // after the timeout, with a new id
        engine.Receive("31[\"done\"]");
        Assert.Equal("done", (await first.WaitAsync(Wait)).GetElement(0).GetString());
        Assert.Equal("""22["job",2]""", await engine.NextAsync());  // the next one only now, acknowledged too
        engine.Receive("32[]");

        Task<SocketIOArguments> lost = client.EmitWithAckAsync("never");
        for (int i = 3; i < 6; i++)
        {
            Assert.Equal($$"""2{{i}}["never"]""", await engine.NextAsync());
        }

        await Assert.ThrowsAsync<SocketIOClientAckTimeoutException>(() => lost.WaitAsync(Wait));
    }

    [Fact]
    public async Task OnAny_AndOnAnyOutgoing_SeeEveryEvent()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        var incoming = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var outgoing = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnAny((name, args) => incoming.TrySetResult(name + ":" + args.GetElement(0).GetInt32()));
        client.OnAnyOutgoing((name, args) => outgoing.TrySetResult(name + ":" + args.GetElement(0).GetString()));
        engine.Receive("""2["news",5]""");
        client.Emit("out", "v");
        Assert.Equal("news:5", await incoming.Task.WaitAsync(Wait));
        Assert.Equal("out:v", await outgoing.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task ParseError_ClosesAndReconnects()
    {
        var (server, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += r => reason.TrySetResult(r);
        engine.Receive("9nonsense");
        Assert.Equal("parse error", await reason.Task.WaitAsync(Wait));
        FakeEngine second = await server.NextEngineAsync();
        Assert.Equal("0", await second.NextAsync());
    }

    [Fact]
    public async Task ListenersRunSequentially_InArrivalOrder()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        var seen = new List<int>();
        int running = 0;
        bool overlapped = false;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("n", async (args, _) =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            await Task.Delay(5);
            seen.Add(args.GetElement(0).GetInt32());
            Interlocked.Decrement(ref running);
            if (seen.Count == 20)
            {
                done.TrySetResult();
            }
        });
        for (int i = 0; i < 20; i++)
        {
            engine.Receive($$"""2["n",{{i}}]""");
        }

        await done.Task.WaitAsync(Wait);
        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, 20), seen);
    }

    [Fact]
    public async Task ConcurrentEmits_AreAllSent()
    {
        var (_, client, engine) = await ConnectedAsync();
        await using SocketIOClient _ = client;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                client.Emit("c", t, i);
            }
        })));
        var perThread = new Dictionary<int, int>();
        for (int n = 0; n < 400; n++)
        {
            using JsonDocument doc = JsonDocument.Parse((await engine.NextAsync())[1..]);
            int t = doc.RootElement[1].GetInt32();
            int i = doc.RootElement[2].GetInt32();
            Assert.Equal(perThread.GetValueOrDefault(t), i);
            perThread[t] = i + 1;
        }
    }

    [Fact]
    public async Task Typed_GeneratedEmitAndOn_WriteAndReadTheWire()
    {
        var server = new FakeServer();
        var client = new SocketIOClient<ITestClient, ITestServer>(server.Client());
        await using var _ = client;
        var welcome = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On.Welcome((message, count) => welcome.TrySetResult($"{message}x{count}"));
        client.On.Question(text => text.ToUpperInvariant());
        Task connect = client.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        await engine.NextAsync();
        engine.Receive("""0{"sid":"t"}""");
        await connect.WaitAsync(Wait);

        Assert.True(client.Emit.Hello("bob"));
        Assert.Equal("""2["hello","bob"]""", await engine.NextAsync());
        client.Emit.Sequence(3);
        Assert.Equal("""2["seq",3]""", await engine.NextAsync());
        Task<Sum> sum = client.Timeout(TimeSpan.FromSeconds(5)).Emit.Add(2, 3);
        Assert.Equal("""20["add",2,3]""", await engine.NextAsync());
        engine.Receive("""30[{"value":5}]""");
        Assert.Equal(new Sum(5), await sum.WaitAsync(Wait));

        engine.Receive("""2["welcome","hi",2]""");
        Assert.Equal("hix2", await welcome.Task.WaitAsync(Wait));
        engine.Receive("""24["question","why"]""");
        Assert.Equal("""34["WHY"]""", await engine.NextAsync());
    }

    [Theory]
    [InlineData(0.0, new[] { 1000, 2000, 4000, 5000, 5000 })]
    [InlineData(0.5, new[] { 975, 1950, 3900, 5000, 5000 })]
    public void Backoff_DoublesUpToTheMaximum_WithJitter(double factor, int[] expected)
    {
        // rand = 0.05: first decimal digit 0 (even) moves the delay down by floor(0.05 × factor × delay).
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), factor, () => 0.05);
        Assert.Equal(expected, Enumerable.Range(0, expected.Length).Select(_ => (int)backoff.Next().TotalMilliseconds));
        backoff.Reset();
        Assert.Equal(expected[0], (int)backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public void Backoff_OddDraw_MovesTheDelayUp()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.5, () => 0.15);
        Assert.Equal(1075, (int)backoff.Next().TotalMilliseconds);
        var huge = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.5, () => 0.15);
        for (int i = 0; i < 2000; i++)
        {
            Assert.InRange(huge.Next().TotalMilliseconds, 0, 5000);
        }
    }

    [Fact]
    public void Options_Validate_NamesTheOption()
    {
        var options = new SocketIOClientOptions { RandomizationFactor = 2 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SocketIOClient.Create(new Uri("http://x.test"), options));
        Assert.Equal("RandomizationFactor", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("a,b")]
    public void Options_Validate_RejectsASubprotocolThatIsNotAToken(string protocol)
    {
        var options = new SocketIOClientOptions();
        options.Protocols.Add(protocol);
        var error = Assert.Throws<ArgumentException>(() => SocketIOClient.Create(new Uri("http://x.test"), options));
        Assert.Equal("Protocols", error.ParamName);
        Assert.Contains("is not a token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Validate_RejectsAnEmptyTimestampParam()
    {
        var options = new SocketIOClientOptions { TimestampParam = "" };
        var error = Assert.Throws<ArgumentException>(() => SocketIOClient.Create(new Uri("http://x.test"), options));
        Assert.Equal("TimestampParam", error.ParamName);
    }

    private static async Task<(FakeServer Server, SocketIOClient Client, FakeEngine Engine)> ConnectedAsync(
        string connectPacket = """0{"sid":"s"}""", SocketIOClientOptions? options = null, FakeServer? server = null)
    {
        server ??= new FakeServer();
        SocketIOClient client = server.Client("/", options);
        Task connect = client.ConnectAsync();
        FakeEngine engine = await server.NextEngineAsync();
        await engine.NextAsync();
        engine.Receive(connectPacket);
        await connect.WaitAsync(Wait);
        return (server, client, engine);
    }
}
