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
        socket.Disconnected += (_, r) => reason.TrySetResult(r);

        Assert.True(socket.Emit("e", new string('x', 490)));
        Assert.True(socket.Emit("e", new string('x', 490)));
        Assert.Equal(2 * EmitCost(490), socket.BufferedAmount);
        Assert.Equal(1000, socket.BufferedAmount);

        Assert.False(socket.Emit("e", string.Empty)); // 10 bytes past the bound
        Assert.Equal(SocketIODisconnectReason.OutgoingBufferOverflow, await reason.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("outgoing buffer overflow", socket.DisconnectReason);
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
