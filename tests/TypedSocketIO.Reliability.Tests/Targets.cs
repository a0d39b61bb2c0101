using System.Collections.Concurrent;
using System.Text.Json;
using TypedSocketIO.Interop.Tests.Infrastructure;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>A server the corpus is played against.</summary>
public interface ICorpusTarget
{
    string BaseAddress { get; }

    /// <summary>The server-side disconnect reason of a socket, waited for; <see langword="null"/> when it did not leave.</summary>
    Task<string?> DisconnectReasonAsync(string socketId);
}

/// <summary>Plays a case and completes its outcome with the server-side disconnect reason of the attacker's socket.</summary>
public static class CaseRunner
{
    public static async Task<string> RunAsync(HostileCase hostile, string transport, ICorpusTarget target)
    {
        var context = new CaseContext(target.BaseAddress, transport) { DisconnectReason = target.DisconnectReasonAsync };
        string outcome = await hostile.Play(context);
        if (context.SocketId is { } id)
        {
            outcome += " | " + (await target.DisconnectReasonAsync(id) ?? "still connected");
        }

        return outcome;
    }
}

/// <summary>Unobserved task exceptions and unhandled exceptions of the test process, recorded from the first use on.</summary>
public static class ExceptionWatch
{
    private static readonly ConcurrentQueue<string> Seen = new();
    private static int _started;

    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        TaskScheduler.UnobservedTaskException += (_, e) => Seen.Enqueue("unobserved task exception: " + e.Exception);
        AppDomain.CurrentDomain.UnhandledException += (_, e) => Seen.Enqueue("unhandled exception: " + e.ExceptionObject);
    }

    /// <summary>Collects garbage (so that unobserved task exceptions surface) and returns what was seen since the last call.</summary>
    public static IReadOnlyList<string> Drain()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var drained = new List<string>();
        while (Seen.TryDequeue(out string? item))
        {
            drained.Add(item);
        }

        return drained;
    }
}

/// <summary>The live state of our server that must come back to its baseline after every case.</summary>
public sealed record ServerCounts(
    int EngineIOSessions, int Connections, int Sockets, int Rooms, long PendingAcks, int PendingBinaryPackets, int Namespaces, int HeartbeatTimers);

/// <summary>Our server, with two healthy clients (WebSocket and polling) connected to <c>/</c> for the whole class.</summary>
public class OurServerFixture : IAsyncLifetime, ICorpusTarget, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _roundTrip = new(1, 1);
    private int _ackIds;
    private int _roundTrips;
    private Task? _keeper;

    public CorpusServer Server { get; private set; } = null!;

    public RawSocketIOClient HealthyWebSocket { get; private set; } = null!;

    public RawSocketIOClient HealthyPolling { get; private set; } = null!;

    public ServerCounts Baseline { get; private set; } = null!;

    /// <summary>Whether the last case left the counts at the baseline (if not, the next case does not wait long for it).</summary>
    public bool LastCaseClean { get; set; } = true;

    public string BaseAddress => Server.BaseAddress;

    public async Task InitializeAsync()
    {
        ExceptionWatch.Start();
        Server = await CorpusServer.StartAsync(Configure);
        HealthyWebSocket = await OpenConnectedAsync("websocket");
        HealthyPolling = await OpenConnectedAsync("polling");

        await RoundTripAsync();
        Baseline = Read();
        _keeper = Task.Run(() => KeepHealthyAsync(_stop.Token));
    }

    /// <summary>
    /// A healthy client opened and connected to <c>/</c> at once, tried three times: with the short timers of some classes
    /// (a 1 s connect timeout), a test machine busy starting other test assemblies can let one attempt's session time out
    /// before its CONNECT arrives (seen in CI: the whole class failed in its fixture).
    /// </summary>
    private async Task<RawSocketIOClient> OpenConnectedAsync(string transport)
    {
        string? answer = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            RawSocketIOClient client = await RawSocketIOClient.OpenAsync(BaseAddress, transport);
            answer = await client.ConnectAsync();
            if (answer is not null && answer.StartsWith("0{", StringComparison.Ordinal))
            {
                return client;
            }

            await client.DisposeAsync();
        }

        throw new InvalidOperationException($"the healthy {transport} client could not connect in three attempts: {answer ?? "(closed)"}");
    }

    /// <summary>Changes the server's options (none by default: the defaults are what the corpus is about).</summary>
    protected virtual void Configure(TypedSocketIO.Server.SocketIOServerOptions options)
    {
    }

    public ServerCounts Read()
    {
        var d = Server.Diagnostics;
        return new ServerCounts(
            d.EngineIOSessionCount, d.ConnectionCount, d.SocketCount, d.RoomCount, d.PendingAckCount, d.PendingBinaryPacketCount,
            Server.IO.Namespaces.Count, d.HeartbeatTimerCount);
    }

    /// <summary>Waits (generously by default) until the counts are back to the baseline; returns the last counts read.</summary>
    public Task<ServerCounts> WaitForBaselineAsync(double seconds = 15) => WaitForCountsAsync(Baseline, seconds);

    /// <summary>Waits until the counts are <paramref name="expected"/>; returns the last counts read.</summary>
    public async Task<ServerCounts> WaitForCountsAsync(ServerCounts expected, double seconds = 15)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        ServerCounts counts = Read();
        while (counts != expected && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20);
            counts = Read();
        }

        return counts;
    }

    /// <summary>One <c>echo</c> with an acknowledgement on each healthy client.</summary>
    public async Task RoundTripAsync()
    {
        await _roundTrip.WaitAsync();
        try
        {
            await RoundTripCoreAsync();
            Interlocked.Increment(ref _roundTrips);
        }
        finally
        {
            _roundTrip.Release();
        }
    }

    private async Task RoundTripCoreAsync()
    {
        foreach (RawSocketIOClient healthy in new[] { HealthyWebSocket, HealthyPolling })
        {
            int id = Interlocked.Increment(ref _ackIds);
            await healthy.SendAsync($"2{id}[\"echo\",\"h{id}\"]");
            while (true)
            {
                string? packet = await healthy.ReceiveAsync()
                    ?? throw new InvalidOperationException("the healthy client was disconnected");
                if (packet == $"3{id}[\"h{id}\"]")
                {
                    break;
                }
            }
        }
    }

    /// <summary>The round trips of both healthy clients since the class started.</summary>
    public int RoundTrips => Volatile.Read(ref _roundTrips);

    /// <summary>What stopped the healthy clients, if anything did.</summary>
    public Exception? HealthyFailure { get; private set; }

    /// <summary>
    /// Keeps both healthy clients round-tripping for the life of the class (cases run in between, and the heartbeat of the
    /// clients is answered as they read), counting round trips.
    /// </summary>
    private async Task KeepHealthyAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await RoundTripAsync();
                await Task.Delay(20, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            HealthyFailure = e;
        }
    }

    public async Task<string?> DisconnectReasonAsync(string socketId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!deadline.IsCancellationRequested)
        {
            if (CorpusServer.DisconnectReasons.TryGetValue(socketId, out string? reason))
            {
                return reason;
            }

            await Task.Delay(10);
        }

        return null;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_keeper is not null)
        {
            await _keeper;
        }

        await HealthyWebSocket.DisposeAsync();
        await HealthyPolling.DisposeAsync();
        await Server.DisposeAsync();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _roundTrip.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The official socket.io 4.8.4 (tests/interop-node/hostile/hostile-server.mjs), one process for the class, restarted after a crash.</summary>
public class NodeServerFixture : IAsyncLifetime, ICorpusTarget
{
    private NodeScript? _node;

    public string BaseAddress { get; private set; } = "";

    public NodeScript Node => _node!;

    public async Task InitializeAsync() => await StartAsync();

    /// <summary>The script's arguments after the port (none: the official defaults).</summary>
    protected virtual IEnumerable<string> Arguments => ["0"];

    private async Task StartAsync()
    {
        var (node, ready) = await NodeScript.StartAsync(
            "hostile/hostile-server.mjs", "listening", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), [.. Arguments]);
        _node = node;
        BaseAddress = $"http://127.0.0.1:{ready.GetProperty("port").GetInt32()}";
    }

    /// <summary>Whether the process is still alive after a case (it answers <c>counts</c>); restarts it when it died.</summary>
    public async Task<bool> SurvivedAsync()
    {
        int before = Node.Events("counts").Count;
        if (!Node.HasExited)
        {
            await Node.SendAsync("counts");
            try
            {
                await Node.WaitForLineAsync(_ => Node.Events("counts").Count > before, TimeSpan.FromSeconds(10));
                return true;
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }

        await Node.DisposeAsync();
        await StartAsync();
        return false;
    }

    /// <summary>The last counts the process printed.</summary>
    public JsonElement? LastCounts => Node.Events("counts") is { Count: > 0 } counts ? counts[^1] : null;

    public async Task<string?> DisconnectReasonAsync(string socketId)
    {
        try
        {
            JsonElement line = await Node.WaitForLineAsync(
                l => NodeScript.IsEvent(l, "disconnect") && l.GetProperty("id").GetString() == socketId, TimeSpan.FromSeconds(10));
            return line.GetProperty("reason").GetString();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
