using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Server.Tests.Harness;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// The limits of a connection, each at the bound and one past it, on a real host: the outgoing buffer
/// (<c>EngineIOOptions.MaxOutgoingBufferSize</c>) and waiting for room in it (<see cref="SocketIOSocket.WaitForCapacityAsync(CancellationToken)"/>).
/// </summary>
public sealed partial class LimitsTests
{
    /// <summary>Whether a wait completed synchronously (and successfully).</summary>
    private static bool Done(ValueTask wait) => wait.IsCompletedSuccessfully;

    // The Engine.IO message 4 + 2["e","<n × x>"] counts n + 10 bytes in the outgoing buffer (its data and the type digit).
    private static int EmitCost(int n) => n + 10;

    [Fact]
    public async Task OutgoingBuffer_AtTheBoundAccepted_OnePast_TheSocketHearsOutgoingBufferOverflow_AndItIsLogged()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        PollingClient client = await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();
        var reason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool emitting = false;
        int emitter = Environment.CurrentManagedThreadId;
        bool handlerRanInsideEmit = false;
        socket.Disconnected += (_, r) =>
        {
            handlerRanInsideEmit = Volatile.Read(ref emitting) && Environment.CurrentManagedThreadId == emitter;
            reason.TrySetResult(r);
        };

        Assert.True(socket.Emit("e", new string('x', 490)));
        Assert.True(socket.Emit("e", new string('x', 490)));
        Assert.Equal(2 * EmitCost(490), socket.BufferedAmount);
        Assert.Equal(1000, socket.BufferedAmount);

        Volatile.Write(ref emitting, true);
        Assert.False(socket.Emit("e", string.Empty)); // 10 bytes past the bound
        Assert.False(socket.Emit("e", string.Empty)); // from then on everything is refused, even what would fit after a drain
        Volatile.Write(ref emitting, false);
        Assert.Equal(SocketIODisconnectReason.OutgoingBufferOverflow, await reason.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("outgoing buffer overflow", socket.DisconnectReason);
        Assert.False(handlerRanInsideEmit); // the close runs on the thread pool, not within the application's Emit
        Assert.Contains(host.Logs.Entries, e => e.EventId.Name == "OutgoingBufferOverflow"
            && e.Message.Contains("a message of 10 bytes would cross EngineIOOptions.MaxOutgoingBufferSize (1000 bytes", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Entries, e => e.EventId.Name == "SocketDisconnected" && e.Message.Contains("outgoing buffer overflow", StringComparison.Ordinal));

        // On the wire the client sees its session closed, as the protocol allows: the next poll ends it.
        string last = await client.PollOrErrorAsync();
        Assert.True(last is "1" or "400", last);
    }

    [Fact]
    public async Task VolatileEmits_DroppedWhileAnythingWaits_TheConnectionStays()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        PollingClient client = await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();

        Assert.True(socket.Emit("e", "kept"));
        for (int i = 0; i < 1000; i++)
        {
            Assert.False(socket.Volatile.Emit("e", "dropped"));
        }

        Assert.True(socket.Connected);
        Assert.Equal("42[\"e\",\"kept\"]", await client.PollAsync());
    }

    [Fact]
    public async Task WaitForCapacity_WithRoom_CompletesAtOnceWithoutAllocating()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();
        SocketIOSocket<object, object> typed = socket.As<object, object>();
        Assert.True(socket.Emit("e", new string('x', 490))); // 500 bytes: half the bound, the default threshold

        Assert.True(Done(socket.WaitForCapacityAsync()));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(Done(socket.WaitForCapacityAsync()));
            Assert.True(Done(socket.WaitForCapacityAsync(500)));
            Assert.True(Done(typed.WaitForCapacityAsync()));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(500, typed.BufferedAmount);
    }

    [Fact]
    public async Task WaitForCapacity_OverTheThreshold_EndsWhenThePollTakesTheQueue()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        PollingClient client = await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();
        Assert.True(socket.Emit("e", new string('x', 491))); // 501 bytes: one past half the bound

        Task wait = socket.WaitForCapacityAsync().AsTask();
        Task exact = socket.WaitForCapacityAsync(501).AsTask();
        Assert.True(exact.IsCompletedSuccessfully);
        Assert.False(wait.IsCompleted);

        Assert.Equal("42[\"e\",\"" + new string('x', 491) + "\"]", await client.PollAsync());
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, socket.BufferedAmount);
    }

    [Fact]
    public async Task WaitForCapacity_SocketDisconnectedWhileWaiting_FailsWithSocketIODisconnectedException()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();
        Assert.True(socket.Emit("e", new string('x', 600)));

        Task wait = socket.WaitForCapacityAsync().AsTask();
        Assert.False(wait.IsCompleted);
        socket.Disconnect(); // the namespace only: the connection stays open
        var error = await Assert.ThrowsAsync<SocketIODisconnectedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, error.Reason);

        // Already disconnected: at once.
        var late = await Assert.ThrowsAsync<SocketIODisconnectedException>(() => socket.WaitForCapacityAsync().AsTask());
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, late.Reason);
    }

    [Fact]
    public async Task WaitForCapacity_ConnectionClosedAtTheBoundWhileWaiting_FailsWithTheReason()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();
        Assert.True(socket.Emit("e", new string('x', 600)));

        Task wait = socket.WaitForCapacityAsync(100).AsTask();
        Assert.False(socket.Emit("e", new string('x', 600)));
        var error = await Assert.ThrowsAsync<SocketIODisconnectedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(SocketIODisconnectReason.OutgoingBufferOverflow, error.Reason);
    }

    [Fact]
    public async Task WaitForCapacity_Cancelled_ThrowsOperationCanceled_TheSocketStays()
    {
        await using Host host = await Host.StartAsync(o => o.EngineIO.MaxOutgoingBufferSize = 1000);
        await host.ConnectPollingAsync();
        SocketIOSocket socket = await host.NextSocketAsync();
        Assert.True(socket.Emit("e", new string('x', 600)));

        using var cts = new CancellationTokenSource();
        Task wait = socket.WaitForCapacityAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(socket.Connected);
        Assert.Throws<ArgumentOutOfRangeException>(() => Done(socket.WaitForCapacityAsync(-1)));
    }

    [Fact]
    public async Task SlowConsumer_TheStallerIsCutAtTheBound_HealthyClientsGetEveryBroadcastInOrder()
    {
        // The short variant of tests/soak/SlowConsumer: one client that stops reading, ten that read, 16 KB broadcasts. Paced by
        // waiting for room on the healthy sockets (no clock): the staller's buffer fills and it alone is cut.
        const int healthyCount = 10;
        const int bound = EngineIO.EngineIOOptions.DefaultMaxOutgoingBufferSize;
        await using Host host = await Host.StartAsync(_ => { });
        SocketIOServer io = host.Services.GetRequiredService<SocketIOServer>();

        using ClientWebSocket staller = await ConnectWebSocketAsync(host.Address, receiveBuffer: 4096);
        SocketIOSocket stalled = await host.NextSocketAsync();
        var stallerReason = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        stalled.Disconnected += (_, reason) => stallerReason.TrySetResult(reason);

        var healthy = new List<HealthyClient>();
        var healthySockets = new List<SocketIOSocket>();
        for (int i = 0; i < healthyCount; i++)
        {
            healthy.Add(new HealthyClient(await ConnectWebSocketAsync(host.Address, receiveBuffer: null)));
            healthySockets.Add(await host.NextSocketAsync());
        }

        string payload = new('x', 16 * 1024);
        int sent = 0;
        int afterCut = -1;
        while (afterCut < 20)
        {
            Assert.True(sent < 20_000, "the staller was never cut");
            await Task.WhenAll(healthySockets.Select(s => s.WaitForCapacityAsync(bound / 2).AsTask())).WaitAsync(TimeSpan.FromSeconds(60));
            if (stalled.Connected)
            {
                Assert.InRange(stalled.BufferedAmount, 0, bound);
            }

            Assert.True(io.Emit("tick", sent, payload));
            sent++;
            if (afterCut >= 0 || stallerReason.Task.IsCompleted)
            {
                afterCut++;
            }
        }

        Assert.Equal(SocketIODisconnectReason.OutgoingBufferOverflow, await stallerReason.Task);
        foreach (HealthyClient client in healthy)
        {
            await client.WaitForAsync(sent).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(sent, client.Received);
            Assert.True(client.InOrder);
        }

        Assert.All(healthySockets, s => Assert.True(s.Connected));
        foreach (HealthyClient client in healthy)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public void Defaults_AreTheDecidedOnes()
    {
        var options = new SocketIOServerOptions();
        Assert.Equal(1_000, options.MaxPendingAcksPerSocket);
        Assert.Equal(128, options.MaxPendingEventsPerSocket);
        Assert.Equal(10, options.MaxAttachments);
        Assert.Equal(64, options.MaxJsonDepth);
        Assert.Equal(1024 * 1024, options.EngineIO.MaxOutgoingBufferSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.EngineIO.SendTimeout);
        Assert.Equal(131_072, options.EngineIO.MaxWebSocketFragments);
        Assert.Equal(1_000_000, options.EngineIO.MaxHttpBufferSize);
        var recovery = new SocketIOConnectionStateRecoveryOptions();
        Assert.Equal(TimeSpan.FromMinutes(2), recovery.MaxDisconnectionDuration);
        Assert.Equal(10_000, recovery.MaxPacketsPerNamespace);
        Assert.Equal(16L * 1024 * 1024, recovery.MaxBytesPerNamespace);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(SocketIOServerOptions.DefaultMaxPendingAcksPerSocket)]
    public async Task PendingAcks_AtTheLimitKept_OnePastClosesThatConnection(int limit)
    {
        using var fixture = new ServerFixture(o => o.MaxPendingAcksPerSocket = limit);
        var (client, socket) = await fixture.ConnectAsync();
        var pending = new List<Task<SocketIO.SocketIOArguments>>();
        for (int i = 0; i < limit; i++)
        {
            pending.Add(socket.EmitWithAckAsync("q", i));
        }

        Assert.True(client.IsOpen);
        Assert.Equal(limit, fixture.Server.Diagnostics.PendingAckCount);
        Assert.Equal(0, fixture.Logs.Count("TooManyPendingAcks"));

        Task<SocketIO.SocketIOArguments> past = socket.EmitWithAckAsync("q", limit);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => past);
        Assert.Contains("SocketIOServerOptions.MaxPendingAcksPerSocket", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsOpen);
        Assert.Equal(SocketIODisconnectReason.ForcedServerClose, socket.DisconnectReason);
        Assert.Equal(1, fixture.Logs.Count("TooManyPendingAcks"));
        foreach (Task<SocketIO.SocketIOArguments> task in pending)
        {
            await Assert.ThrowsAsync<SocketIODisconnectedException>(() => task);
        }

        Assert.Equal(0, fixture.Server.Diagnostics.PendingAckCount);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(SocketIOServerOptions.DefaultMaxPendingEventsPerSocket)]
    public async Task PendingEvents_AtTheLimitAllRun_OnePastPausesReadingUntilOneCompletes(int limit)
    {
        using var fixture = new ServerFixture(o => o.MaxPendingEventsPerSocket = limit);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        fixture.Server.OnConnection(socket => socket.On("work", async (_, _) =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
        }));
        TestClient client = fixture.CreateClient();
        await client.ConnectAsync();

        for (int i = 0; i < limit; i++)
        {
            await client.SendAsync("42[\"work\"]").WaitAsync(TimeSpan.FromSeconds(30)); // each is read and its handler started
        }

        Assert.Equal(limit, Volatile.Read(ref started));
        Task past = client.SendAsync("42[\"work\"]");
        Assert.False(past.IsCompleted); // reading paused: the packet waits for a handler to finish
        Assert.Equal(limit, Volatile.Read(ref started));

        release.SetResult();
        await past.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(limit + 1, Volatile.Read(ref started));
        Assert.True(client.IsOpen);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(SocketIOServerOptions.DefaultMaxAttachments)]
    public async Task Attachments_AtTheLimitDelivered_OnePastClosesWithParseError(int limit)
    {
        using var fixture = new ServerFixture(o => o.MaxAttachments = limit);
        int received = -1;
        fixture.Server.OnConnection(socket => socket.On("files", (args, _) =>
        {
            received = args.Count;
            return ValueTask.CompletedTask;
        }));
        var (client, socket) = await fixture.ConnectAsync();

        await SendBinaryEventAsync(client, limit);
        Assert.Equal(limit, received);
        Assert.True(client.IsOpen);

        await client.SendAsync(BinaryEventText(limit + 1));
        Assert.False(client.IsOpen);
        Assert.Equal(SocketIODisconnectReason.ParseError, socket.DisconnectReason);
        Assert.Equal("parse error", (await client.Transport.CloseReason).Reason);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(SocketIOServerOptions.DefaultMaxJsonDepth)]
    public async Task JsonDepth_AtTheLimitDelivered_OnePastClosesWithParseError(int limit)
    {
        using var fixture = new ServerFixture(o => o.MaxJsonDepth = limit);
        int received = 0;
        fixture.Server.OnConnection(socket => socket.On("deep", (_, _) =>
        {
            Interlocked.Increment(ref received);
            return ValueTask.CompletedTask;
        }));
        var (client, socket) = await fixture.ConnectAsync();

        // The event's array is level 1: limit - 1 more levels reach the limit.
        await client.SendAsync("42[\"deep\"," + new string('[', limit - 1) + new string(']', limit - 1) + "]");
        Assert.Equal(1, received);
        Assert.True(client.IsOpen);

        await client.SendAsync("42[\"deep\"," + new string('[', limit) + new string(']', limit) + "]");
        Assert.Equal(1, received);
        Assert.False(client.IsOpen);
        Assert.Equal(SocketIODisconnectReason.ParseError, socket.DisconnectReason);
    }

    [Fact]
    public async Task RecoveryBuffer_AtThePacketCapAllMissedReplayed_OnePastStartsFresh()
    {
        const int cap = 4;
        foreach (int missed in new[] { cap, cap + 1 })
        {
            using var fixture = Recovering(o => o.MaxPacketsPerNamespace = cap);
            var (client, sid, pid) = await ConnectRecoveringAsync(fixture);
            fixture.Server.Emit("a");
            string offset = Offset(await client.ReceiveAsync());
            await client.CloseFromEngineAsync("transport close");
            for (int i = 0; i < missed; i++)
            {
                fixture.Server.Emit("n", i);
            }

            Assert.Equal(cap, Adapter(fixture).BufferedPacketCount);
            var (back, sid2, _) = await ConnectRecoveringAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
            if (missed == cap)
            {
                Assert.Equal(sid, sid2);
                for (int i = 0; i < cap; i++)
                {
                    Assert.StartsWith($"42[\"n\",{i},", await back.ReceiveAsync(), StringComparison.Ordinal);
                }
            }
            else
            {
                Assert.NotEqual(sid, sid2); // the oldest missed packet was dropped: replaying the rest would lose it silently
            }

            Assert.True(back.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task RecoveryBuffer_AtTheByteCapAllMissedReplayed_OneBytePastStartsFresh()
    {
        const int missed = 3;
        string payload = new('x', 100);

        // The bytes one kept event costs (its text with the offset, plus the per-entry overhead): all have one-digit sequences.
        long size;
        using (var probe = Recovering())
        {
            await ConnectRecoveringAsync(probe);
            probe.Server.Emit("n", payload);
            probe.Server.Emit("n", payload);
            size = Adapter(probe).BufferedBytes / 2;
            Assert.Equal(2 * size, Adapter(probe).BufferedBytes);
        }

        foreach (long cap in new[] { missed * size, (missed * size) - 1 })
        {
            using var fixture = Recovering(o => o.MaxBytesPerNamespace = cap);
            var (client, sid, pid) = await ConnectRecoveringAsync(fixture);
            fixture.Server.Emit("n", payload);
            string offset = Offset(await client.ReceiveAsync());
            await client.CloseFromEngineAsync("transport close");
            for (int i = 0; i < missed; i++)
            {
                fixture.Server.Emit("n", payload);
            }

            Assert.InRange(Adapter(fixture).BufferedBytes, 1, cap);
            var (back, sid2, _) = await ConnectRecoveringAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
            if (cap == missed * size)
            {
                Assert.Equal(missed * size, Adapter(fixture).BufferedBytes);
                Assert.Equal(sid, sid2);
                for (int i = 0; i < missed; i++)
                {
                    Assert.StartsWith("42[\"n\",\"" + payload + "\",", await back.ReceiveAsync(), StringComparison.Ordinal);
                }
            }
            else
            {
                Assert.NotEqual(sid, sid2);
            }

            Assert.True(back.HasNothingToReceive());
        }
    }

    [Fact]
    public async Task RecoveryWindow_AtTheLimitRestored_OneTickPastStartsFresh()
    {
        foreach (TimeSpan away in new[] { TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30) + TimeSpan.FromTicks(1) })
        {
            var clock = new ManualClock();
            using var fixture = Recovering(o => o.MaxDisconnectionDuration = TimeSpan.FromSeconds(30), clock);
            var (client, sid, pid) = await ConnectRecoveringAsync(fixture);
            fixture.Server.Emit("a");
            string offset = Offset(await client.ReceiveAsync());
            await client.CloseFromEngineAsync("transport close");
            clock.Advance(away);

            var (_, sid2, _) = await ConnectRecoveringAsync(fixture, $"{{\"pid\":\"{pid}\",\"offset\":\"{offset}\"}}");
            if (away == TimeSpan.FromSeconds(30))
            {
                Assert.Equal(sid, sid2);
                Assert.True(fixture.Server.MainNamespace.Sockets[sid2].Recovered);
            }
            else
            {
                Assert.NotEqual(sid, sid2);
                Assert.False(fixture.Server.MainNamespace.Sockets[sid2].Recovered);
            }
        }
    }

    private static ServerFixture Recovering(Action<SocketIOConnectionStateRecoveryOptions>? configure = null, TimeProvider? clock = null) =>
        new(o =>
        {
            o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions();
            configure?.Invoke(o.ConnectionStateRecovery);
        }, timeProvider: clock);

    private static InMemorySocketIOAdapter Adapter(ServerFixture fixture) => (InMemorySocketIOAdapter)fixture.Server.MainNamespace.Adapter;

    private static async Task<(TestClient Client, string Sid, string Pid)> ConnectRecoveringAsync(ServerFixture fixture, string? auth = null)
    {
        TestClient client = fixture.CreateClient();
        await client.SendAsync("40" + auth);
        string answer = await client.ReceiveAsync();
        Match match = ConnectAnswer().Match(answer);
        Assert.True(match.Success, answer);
        return (client, match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>The offset appended as the last argument of an event sent with recovery on.</summary>
    private static string Offset(string packet)
    {
        var array = System.Text.Json.Nodes.JsonNode.Parse(packet[packet.IndexOf('[', StringComparison.Ordinal)..])!.AsArray();
        return array[^1]!.GetValue<string>();
    }

    /// <summary>A BINARY_EVENT announcing <paramref name="count"/> attachments, one placeholder each.</summary>
    private static string BinaryEventText(int count)
    {
        var text = new StringBuilder("45").Append(count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("-[\"files\"");
        for (int i = 0; i < count; i++)
        {
            text.Append(",{\"_placeholder\":true,\"num\":").Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('}');
        }

        return text.Append(']').ToString();
    }

    private static async Task SendBinaryEventAsync(TestClient client, int count)
    {
        await client.SendAsync(BinaryEventText(count));
        for (int i = 0; i < count; i++)
        {
            await client.SendBinaryAsync([(byte)i]);
        }
    }

    [GeneratedRegex("^40\\{\"sid\":\"([^\"]+)\",\"pid\":\"([^\"]+)\"\\}$")]
    private static partial Regex ConnectAnswer();

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>Opens a WebSocket session and joins the root namespace; a small receive buffer makes a staller fill up sooner.</summary>
    private static async Task<ClientWebSocket> ConnectWebSocketAsync(Uri address, int? receiveBuffer)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                if (receiveBuffer is { } size)
                {
                    socket.ReceiveBufferSize = size;
                }

                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        var ws = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(handler);
        await ws.ConnectAsync(new Uri($"ws://{address.Authority}/socket.io/?EIO=4&transport=websocket"), invoker, CancellationToken.None);
        Assert.StartsWith("0{", await ReceiveTextAsync(ws), StringComparison.Ordinal);
        await ws.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.StartsWith("40{\"sid\":", await ReceiveTextAsync(ws), StringComparison.Ordinal);
        return ws;
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        WebSocketReceiveResult result = await ws.ReceiveAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>A client that reads everything: answers pings, checks each <c>tick</c>'s number follows the previous one.</summary>
    private sealed class HealthyClient : IAsyncDisposable
    {
        private readonly ClientWebSocket _ws;
        private readonly Task _loop;
        private readonly CancellationTokenSource _stop = new();
        private int _received;
        private volatile bool _outOfOrder;

        public HealthyClient(ClientWebSocket ws)
        {
            _ws = ws;
            _loop = Task.Run(ReadAsync);
        }

        public int Received => Volatile.Read(ref _received);

        public bool InOrder => !_outOfOrder;

        public async Task WaitForAsync(int count)
        {
            while (Received < count && !_loop.IsCompleted)
            {
                await Task.Delay(20);
            }
        }

        private async Task ReadAsync()
        {
            byte[] buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (true)
                {
                    WebSocketReceiveResult result = await _ws.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }

                    string text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                    message.SetLength(0);
                    if (text == "2")
                    {
                        await _ws.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, _stop.Token);
                    }
                    else if (text.StartsWith("42[\"tick\",", StringComparison.Ordinal))
                    {
                        int comma = text.IndexOf(',', 10);
                        int n = int.Parse(text.AsSpan(10, comma - 10), System.Globalization.CultureInfo.InvariantCulture);
                        if (n != Received)
                        {
                            _outOfOrder = true;
                        }

                        Interlocked.Increment(ref _received);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _ws.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>A host with AddSocketIO on 127.0.0.1 whose root namespace hands over each connected socket.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly System.Threading.Channels.Channel<SocketIOSocket> _sockets;

        private Host(WebApplication app, System.Threading.Channels.Channel<SocketIOSocket> sockets, TestLoggerProvider logs)
        {
            _app = app;
            _sockets = sockets;
            Logs = logs;
            Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public Uri Address { get; }

        public IServiceProvider Services => _app.Services;

        public TestLoggerProvider Logs { get; }

        public static async Task<Host> StartAsync(Action<SocketIOServerOptions> configure)
        {
            var sockets = System.Threading.Channels.Channel.CreateUnbounded<SocketIOSocket>();
            var logs = new TestLoggerProvider();
            WebApplicationBuilder builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Services.AddSocketIO(configure);
            WebApplication app = builder.Build();
            app.MapSocketIO("/", ns => ns.OnConnection(socket => sockets.Writer.TryWrite(socket)));
            await app.StartAsync();
            return new Host(app, sockets, logs);
        }

        public async Task<SocketIOSocket> NextSocketAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _sockets.Reader.ReadAsync(cts.Token);
        }

        /// <summary>Opens a polling session and joins the root namespace; no poll is left pending.</summary>
        public async Task<PollingClient> ConnectPollingAsync()
        {
            var client = new PollingClient(Address);
            string open = await client.Http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
            client.Sid = SidPattern().Match(open).Groups[1].Value;
            await client.PostAsync("40");
            Assert.StartsWith("40{\"sid\":", await client.PollAsync(), StringComparison.Ordinal);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class PollingClient(Uri address)
    {
        public HttpClient Http { get; } = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

        public string Sid { get; set; } = "";

        private string Url => "/socket.io/?EIO=4&transport=polling&sid=" + Sid;

        public async Task PostAsync(string payload)
        {
            using var content = new StringContent(payload, Encoding.UTF8, "text/plain");
            (await Http.PostAsync(Url, content)).EnsureSuccessStatusCode();
        }

        public Task<string> PollAsync() => Http.GetStringAsync(Url);

        /// <summary>The body of the next poll, or its status code when refused.</summary>
        public async Task<string> PollOrErrorAsync()
        {
            using HttpResponseMessage response = await Http.GetAsync(Url);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex("\"sid\":\"([^\"]+)\"")]
    private static partial Regex SidPattern();
}
