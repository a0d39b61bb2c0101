using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// The client's functional suite, run against our server and against the official Node socket.io 4.8.4 server, over
/// WebSocket only, polling only, and polling upgraded to WebSocket.
/// </summary>
public abstract class ClientSuite
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Transports => new() { "websocket", "polling", "upgrade" };

    protected abstract Task<ISuiteServer> StartServerAsync();

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ConnectWithAuth_TheServerSeesIt(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        SocketIOClientOptions options = Options(transport);
        options.Auth = new JsonObject { ["token"] = "abc", ["n"] = 7 };
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, options);
        await client.ConnectAsync().WaitAsync(Wait);
        Assert.NotNull(client.Id);
        SocketIOArguments auth = await client.EmitWithAckAsync("auth").WaitAsync(Wait);
        Assert.Equal("abc", auth.GetElement(0).GetProperty("token").GetString());
        Assert.Equal(7, auth.GetElement(0).GetProperty("n").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task EmitAndAck_BothWays(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, Options(transport));
        var answered = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("question", (args, ack) =>
        {
            ack.Send(args.GetElement(0).GetString() + "? because");
            return ValueTask.CompletedTask;
        });
        client.On("answered", args => answered.TrySetResult(args.GetElement(0).GetString()));
        await client.ConnectAsync().WaitAsync(Wait);

        SocketIOArguments echo = await client.EmitWithAckAsync("echo", "a", 1, new JsonObject { ["x"] = true }, null).WaitAsync(Wait);
        Assert.Equal(4, echo.Count);
        Assert.Equal("a", echo.GetElement(0).GetString());
        Assert.Equal(1, echo.GetElement(1).GetInt32());
        Assert.True(echo.GetElement(2).GetProperty("x").GetBoolean());
        Assert.Equal(JsonValueKind.Null, echo.GetKind(3));

        client.Emit("ask");
        Assert.Equal("why? because", await answered.Task.WaitAsync(Wait));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Binary_BothWays(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        var client = SocketIOClient.Create<ITestClient, ITestServer>(server.Uri, Options(transport));
        await using var _ = client;
        var data = new TaskCompletionSource<(Item, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On.Data((item, payload) => data.TrySetResult((item, payload)));
        await client.ConnectAsync().WaitAsync(Wait);

        byte[] blob = [.. Enumerable.Range(0, 300).Select(i => (byte)i)];
        SocketIOArguments echo = await client.Untyped.EmitWithAckAsync("echo", blob, "text", new byte[] { 9 }).WaitAsync(Wait);
        Assert.Equal(blob, echo.GetBinary(0).ToArray());
        Assert.Equal("text", echo.GetElement(1).GetString());
        Assert.Equal(new byte[] { 9 }, echo.GetBinary(2).ToArray());

        Assert.Equal(new byte[] { 3, 2, 1 }, await client.Emit.Reverse([1, 2, 3]).WaitAsync(Wait));

        client.Untyped.Emit("send-binary");
        (Item item, byte[] payload) = await data.Task.WaitAsync(Wait);
        Assert.Equal(new Item("blob", 3), item);
        Assert.Equal(new byte[] { 1, 2, 3 }, payload);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TwoNamespaces_OnOneConnection(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        SocketIOClientOptions options = Options(transport);
        options.Auth = new JsonObject { ["token"] = "secret" };
        options.ForceNew = false;   // multiplexed: the cache gives /admin the manager of / (each test's server has its own port)
        await using SocketIOClient main = SocketIOClient.Create(server.Uri, options);
        await using SocketIOClient admin = SocketIOClient.Create(new Uri(server.Uri, "/admin"), options);
        await using SocketIOClient @private = main.Manager.Socket("/private");
        Assert.Same(main.Manager, admin.Manager);
        await Task.WhenAll(main.ConnectAsync(), admin.ConnectAsync(), @private.ConnectAsync()).WaitAsync(Wait);
        Assert.Equal("/admin", (await admin.EmitWithAckAsync("whoami").WaitAsync(Wait)).GetElement(0).GetString());
        Assert.Equal("/private", (await @private.EmitWithAckAsync("whoami").WaitAsync(Wait)).GetElement(0).GetString());
        Assert.Equal(1, (await main.EmitWithAckAsync("echo", 1).WaitAsync(Wait)).GetElement(0).GetInt32());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MiddlewareRejection_IsConnectErrorWithData(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        SocketIOClientOptions options = Options(transport);
        options.Auth = new JsonObject { ["token"] = "wrong" };
        await using SocketIOClient client = SocketIOClient.Create(new Uri(server.Uri, "/private"), options);
        var error = await Assert.ThrowsAsync<SocketIOConnectErrorException>(() => client.ConnectAsync().WaitAsync(Wait));
        Assert.Equal("not authorized", error.Message);
        Assert.True(error.IsServerRefusal);
        Assert.Equal(401, error.ServerData!.Value.GetProperty("code").GetInt32());
        Assert.Equal("bad token", error.ServerData!.Value.GetProperty("reason").GetString());
        Assert.False(client.IsActive);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerSideDisconnect_DoesNotReconnect(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, Options(transport));
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int attempts = 0;
        client.Disconnected += r => reason.TrySetResult(r);
        client.Manager.ReconnectAttempt += _ => Interlocked.Increment(ref attempts);
        await client.ConnectAsync().WaitAsync(Wait);
        client.Emit("kick");
        Assert.Equal("io server disconnect", await reason.Task.WaitAsync(Wait));
        await Task.Delay(500);
        Assert.False(client.IsActive);
        Assert.False(client.IsConnected);
        Assert.Equal(0, Volatile.Read(ref attempts));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task TypedEmitAndOn_WithGeneratedContracts(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        var client = SocketIOClient.Create<ITestClient, ITestServer>(server.Uri, Options(transport));
        await using var _ = client;
        var welcome = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On.Welcome((message, count) => welcome.TrySetResult((message, count)));
        client.On.Question(async text =>
        {
            await Task.Yield();
            return text + "!";
        });
        client.Untyped.On("answered", args => answered.TrySetResult(args.GetElement(0).GetString()));
        await client.ConnectAsync().WaitAsync(Wait);

        client.Emit.Hello("ada");
        Assert.Equal(("hello ada", 1), await welcome.Task.WaitAsync(Wait));
        Assert.Equal(new Sum(5), await client.Timeout(TimeSpan.FromSeconds(5)).Emit.Add(2, 3));
        client.Untyped.Emit("ask");
        Assert.Equal("why!", await answered.Task.WaitAsync(Wait));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ServerRestart_ClientReconnects_AndDeliversBufferedEmitsOnceInOrder(string transport)
    {
        await using ISuiteServer server = await StartServerAsync();
        SocketIOClientOptions options = Options(transport);
        options.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
        options.ReconnectionDelayMax = TimeSpan.FromMilliseconds(400);
        var client = SocketIOClient.Create<ITestClient, ITestServer>(server.Uri, options);
        await using var _ = client;
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new List<int>();
        client.Disconnected += r => disconnected.TrySetResult(r);
        client.Manager.ReconnectAttempt += n =>
        {
            lock (attempts)
            {
                attempts.Add(n);
            }
        };
        client.Manager.Reconnected += n => reconnected.TrySetResult(n);
        await client.ConnectAsync().WaitAsync(Wait);
        string? firstId = client.Id;

        client.Emit.Sequence(0);
        await WaitForAsync(() => server.Sequence.Count == 1, server);

        await server.StopAsync();
        string reason = await disconnected.Task.WaitAsync(Wait);
        Assert.Contains(reason, new[] { "transport close", "transport error", "ping timeout" });
        for (int i = 1; i <= 5; i++)
        {
            Assert.True(client.Emit.Sequence(i));
        }

        await Task.Delay(600);   // a few failed attempts while the server is down
        await server.StartAgainAsync();
        int tookAttempts = await reconnected.Task.WaitAsync(Wait);
        Assert.True(tookAttempts >= 2, $"reconnected after {tookAttempts} attempt(s)");
        await WaitForAsync(() => server.Sequence.Count >= 6, server);
        await Task.Delay(200);
        Assert.Equal([0, 1, 2, 3, 4, 5], server.Sequence);
        Assert.True(client.IsConnected);
        Assert.NotEqual(firstId, client.Id);
        lock (attempts)
        {
            Assert.Equal(Enumerable.Range(1, attempts.Count), attempts);
        }
    }

    /// <summary>The client transports of a test's transport name (websocket, polling, or upgrade: both).</summary>
    internal static SocketIOClientTransports TransportsFor(string transport) => transport switch
    {
        "websocket" => SocketIOClientTransports.WebSocket,
        "polling" => SocketIOClientTransports.Polling,
        _ => SocketIOClientTransports.All,
    };

    protected static SocketIOClientOptions Options(string transport)
    {
        var options = new SocketIOClientOptions
        {
            ForceNew = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectionDelay = TimeSpan.FromMilliseconds(200),
            ReconnectionDelayMax = TimeSpan.FromSeconds(1),
        };
        options.Transports = TransportsFor(transport);

        return options;
    }

    private static async Task WaitForAsync(Func<bool> condition, ISuiteServer server)
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
}

/// <summary>The suite against our own server.</summary>
public sealed class OurServerClientSuite : ClientSuite
{
    protected override async Task<ISuiteServer> StartServerAsync() => await OurSuiteServer.StartAsync();
}

/// <summary>The suite against the official Node socket.io 4.8.4 server.</summary>
public sealed class NodeServerClientSuite : ClientSuite
{
    protected override async Task<ISuiteServer> StartServerAsync() => await NodeSuiteServer.StartAsync();
}

/// <summary>The suite against python-socketio 5.7 (Debian's python3-socketio on aiohttp).</summary>
public sealed class PythonServerClientSuite : ClientSuite
{
    protected override async Task<ISuiteServer> StartServerAsync() => await PythonSuiteServer.StartAsync();
}
