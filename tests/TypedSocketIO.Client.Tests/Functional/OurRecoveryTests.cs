using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// Connection state recovery against our server with <see cref="SocketIOServerOptions.ConnectionStateRecovery"/> on, as
/// <see cref="NodeRecoveryTests"/> against the official one: our .NET client, and the official JavaScript client
/// (tests/interop-node/recovery-client.mjs).
/// </summary>
public sealed class OurRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [MemberData(nameof(ClientSuite.Transports), MemberType = typeof(ClientSuite))]
    public async Task CutConnection_ReconnectsWithPidAndOffset_AndGetsTheMissedEvent(string transport)
    {
        await using RecoveringServer server = await RecoveringServer.StartAsync();
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, Options(transport));
        var missed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var roomMissed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int connects = 0;
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("missed", args => missed.TrySetResult(args.GetElement(0).GetString()));
        client.On("room-missed", args => roomMissed.TrySetResult(args.GetElement(0).GetString()));
        client.Disconnected += r => disconnected.TrySetResult(r);
        client.Connected += () =>
        {
            if (Interlocked.Increment(ref connects) == 2)
            {
                reconnected.TrySetResult();
            }
        };
        await client.ConnectAsync().WaitAsync(Wait);
        string? id = client.Id;
        Assert.False(client.IsRecovered);

        // An event first, so that the client holds an offset (the server appends one to each event it emits).
        var welcome = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("welcome", args => welcome.TrySetResult(args.Count));
        client.Emit("hello", "ada");
        Assert.Equal(3, await welcome.Task.WaitAsync(Wait));   // "hello ada", 1, and the offset

        client.Emit("drop");

        // The server aborts the HTTP requests under the connection: a WebSocket closes, a pending poll fails.
        Assert.Contains(await disconnected.Task.WaitAsync(Wait), new[] { "transport close", "transport error" });
        await reconnected.Task.WaitAsync(Wait);
        Assert.True(client.IsRecovered, server.Describe());
        Assert.Equal(id, client.Id);
        Assert.Equal("while away", await missed.Task.WaitAsync(Wait));
        Assert.Equal("to the room", await roomMissed.Task.WaitAsync(Wait));
        SocketIOSocket restored = server.Socket(id!);
        Assert.True(restored.Recovered);
        Assert.Equal("ada", restored.Data);
    }

    [Fact]
    public async Task LeavingOnPurpose_ThenConnectingAgain_IsNotRecovered()
    {
        await using RecoveringServer server = await RecoveringServer.StartAsync();
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, Options("websocket"));
        var welcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("welcome", _ => welcome.TrySetResult());
        await client.ConnectAsync().WaitAsync(Wait);
        string? id = client.Id;
        client.Emit("hello", "ada");
        await welcome.Task.WaitAsync(Wait);

        await client.DisconnectAsync().AsTask().WaitAsync(Wait);
        await client.ConnectAsync().WaitAsync(Wait);

        Assert.False(client.IsRecovered);
        Assert.NotEqual(id, client.Id);
    }

    [Theory]
    [MemberData(nameof(ClientSuite.Transports), MemberType = typeof(ClientSuite))]
    public async Task TypedClient_EventsCarryingAnOffset_StillFitTheContract_BinaryIncluded(string transport)
    {
        await using RecoveringServer server = await RecoveringServer.StartAsync();
        var client = SocketIOClient.Create<ITestClient, ITestServer>(server.Uri, Options(transport));
        await using var _ = client;
        var welcome = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var data = new TaskCompletionSource<(Item, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On.Welcome((message, count) => welcome.TrySetResult((message, count)));
        client.On.Data((item, payload) => data.TrySetResult((item, payload)));
        await client.ConnectAsync().WaitAsync(Wait);

        client.Untyped.Emit("hello", "ada");
        Assert.Equal(("hello ada", 1), await welcome.Task.WaitAsync(Wait));
        client.Untyped.Emit("send-binary");
        (Item item, byte[] payload) = await data.Task.WaitAsync(Wait);
        Assert.Equal(new Item("blob", 3), item);
        Assert.Equal(new byte[] { 1, 2, 3 }, payload);
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task OfficialJavaScriptClient_Recovers(string transport)
    {
        await using RecoveringServer server = await RecoveringServer.StartAsync();
        await using NodeScript js = NodeScript.Start("recovery-client.mjs", server.Uri.ToString(), transport);
        JsonElement result = await js.WaitForLineAsync(l => l.TryGetProperty("ok", out _), TimeSpan.FromSeconds(30));
        Assert.True(result.GetProperty("ok").GetBoolean(), js.Describe() + "\n" + server.Describe());
        Assert.True(result.GetProperty("recovered").GetBoolean());
    }

    /// <summary>The client options of the recovery tests (also used against the Node server by <see cref="NodeRecoveryTests"/>).</summary>
    internal static SocketIOClientOptions Options(string transport) => new()
    {
        ForceNew = true,
        Transports = ClientSuite.TransportsFor(transport),
        ReconnectionDelay = TimeSpan.FromMilliseconds(300),
        ReconnectionDelayMax = TimeSpan.FromMilliseconds(300),
        RandomizationFactor = 0,
    };

    /// <summary>
    /// Our server in-process with recovery on. "drop" cuts the connection under the socket, as the official
    /// <c>socket.conn.close()</c> does (every HTTP request of the connection in flight is aborted: the WebSocket, or the
    /// pending poll), then broadcasts while the client is away.
    /// </summary>
    private sealed class RecoveringServer : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<HttpContext, byte> _inFlight = new();
        private LoopbackServer? _server;

        public Uri Uri => _server!.Url;

        public static async Task<RecoveringServer> StartAsync()
        {
            var server = new RecoveringServer();
            server._server = await LoopbackServer.StartAsync(
                services =>
                {
                    services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
                    services.AddSocketIO(o =>
                    {
                        o.EngineIO.PingInterval = TimeSpan.FromSeconds(1);
                        o.EngineIO.PingTimeout = TimeSpan.FromSeconds(1);

                        // "drop" cuts connections by aborting the HTTP requests in flight: the WebSockets must be requests of
                        // the HTTP pipeline, not of the lean Kestrel transport.
                        o.EngineIO.KestrelWebSocketTransport = false;
                        o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(60) };
                    });
                },
                app =>
                {
                    app.Use(async (context, next) =>
                    {
                        server._inFlight.TryAdd(context, 0);
                        try
                        {
                            await next(context);
                        }
                        finally
                        {
                            server._inFlight.TryRemove(context, out _);
                        }
                    });
                    app.MapSocketIO("/", ns => ns.OnConnection(server.Configure));
                });
            return server;
        }

        public SocketIOSocket Socket(string id) => _server!.Services.GetRequiredService<SocketIOServer>().MainNamespace.Sockets[id];

        public string Describe() => "our server at " + Uri + "\n" + _server!.Logs.Tail();

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }

        private void Configure(SocketIOSocket socket)
        {
            socket.On("hello", args =>
            {
                socket.Data = args.GetElement(0).GetString();
                socket.Join("room");
                socket.Emit("welcome", "hello " + args.GetElement(0).GetString(), 1);
            });
            socket.On("send-binary", args => socket.Emit("data", new System.Text.Json.Nodes.JsonObject { ["name"] = "blob", ["count"] = 3 }, new byte[] { 1, 2, 3 }));
            socket.On("away", (args, ack) =>
            {
                // The official client cuts its own connection once this is acknowledged (socket.io.engine.close()).
                ack.Send();
                SocketIOServer io = socket.Server;
                _ = Task.Delay(200).ContinueWith(t => io.Emit("missed", "while away"), TaskScheduler.Default);
                return ValueTask.CompletedTask;
            });
            socket.On("drop", args =>
            {
                foreach (HttpContext context in _inFlight.Keys)
                {
                    context.Abort();
                }

                SocketIOServer io = socket.Server;
                _ = Task.Delay(50).ContinueWith(
                    t =>
                    {
                        io.Emit("missed", "while away");
                        io.To("room").Emit("room-missed", "to the room");
                    },
                    TaskScheduler.Default);
            });
        }
    }
}
