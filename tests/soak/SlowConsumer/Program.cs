using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TypedSocketIO.Server;

// The slow-consumer run (tests/soak/README.md). Without --server: the driver. It starts this program again with --server (a
// separate process, so that the clients' memory is not the server's), connects the clients, and reports.
if (args.Contains("--server"))
{
    await SlowConsumerServer.RunAsync();
    return 0;
}

return await Driver.RunAsync(Options.Parse(args));

/// <summary>The knobs of the run.</summary>
internal sealed record Options(int Healthy, int Rate, int Size, int Seconds, int Warmup)
{
    public static Options Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return new Options(Get("--healthy", 50), Get("--rate", 100), Get("--size", 16 * 1024), Get("--seconds", 40), Get("--warmup", 15));
    }
}

/// <summary>The server: default options, a broadcaster started over HTTP, its own figures over HTTP.</summary>
internal static class SlowConsumerServer
{
    public static async Task RunAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO();
        WebApplication app = builder.Build();

        var started = Stopwatch.StartNew();
        long broadcastStartedAt = -1;
        long sent = 0;
        var disconnects = new List<object>();
        app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.Disconnected += (s, reason) =>
        {
            lock (disconnects)
            {
                long at = Volatile.Read(ref broadcastStartedAt);
                disconnects.Add(new { reason, afterBroadcastMs = at < 0 ? -1 : started.ElapsedMilliseconds - at, broadcastsSent = Interlocked.Read(ref sent) });
            }
        }));

        SocketIOServer io = app.Services.GetRequiredService<SocketIOServer>();
        app.MapPost("/start", (int rate, int size, int seconds) =>
        {
            string payload = new('x', size);
            Volatile.Write(ref broadcastStartedAt, started.ElapsedMilliseconds);
            _ = Task.Run(async () =>
            {
                // Paced by the clock, catching up when late, so that the rate over the run is exact.
                var clock = Stopwatch.StartNew();
                long total = (long)rate * seconds;
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, 1000 / rate / 2)));
                while (Interlocked.Read(ref sent) < total && await timer.WaitForNextTickAsync())
                {
                    long due = Math.Min(total, clock.ElapsedMilliseconds * rate / 1000 + 1);
                    while (Interlocked.Read(ref sent) < due)
                    {
                        io.Emit("tick", Interlocked.Read(ref sent), payload);
                        Interlocked.Increment(ref sent);
                    }
                }
            });
            return Results.Ok();
        });
        app.MapGet("/stats", () =>
        {
            long heap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            long buffered = 0;
            int maxBuffered = 0;
            foreach (SocketIOSocket socket in io.MainNamespace.Sockets.Values)
            {
                int amount = socket.BufferedAmount;
                buffered += amount;
                maxBuffered = Math.Max(maxBuffered, amount);
            }

            lock (disconnects)
            {
                return Results.Json(new
                {
                    heap,
                    workingSet = process.WorkingSet64,
                    sockets = io.MainNamespace.Sockets.Count,
                    sent = Interlocked.Read(ref sent),
                    buffered,
                    maxBuffered,
                    disconnects = disconnects.ToArray(),
                });
            }
        });

        await app.StartAsync();
        Console.WriteLine("listening " + app.Urls.First());
        await app.WaitForShutdownAsync();
    }
}

/// <summary>Starts the server, runs the clients, prints the figures.</summary>
internal static class Driver
{
    public static async Task<int> RunAsync(Options options)
    {
        using Process server = StartServer();
        try
        {
            string? line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
            {
                Console.Error.WriteLine("The server did not start: " + line);
                return 2;
            }

            var address = new Uri(line["listening ".Length..]);
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
            Console.WriteLine($"server pid {server.Id} at {address}; {options.Healthy} healthy clients + 1 staller, {options.Size} B broadcasts at {options.Rate}/s for {options.Seconds} s; the staller reads for the first {options.Warmup} s, then stops");

            // The staller reads like the others during the warm-up (so the baseline is this load's steady state), then stops.
            await using var staller = new HealthyClient(await ConnectAsync(address, receiveBuffer: 4096));
            var healthy = new List<HealthyClient>();
            for (int i = 0; i < options.Healthy; i++)
            {
                healthy.Add(new HealthyClient(await ConnectAsync(address, receiveBuffer: null)));
            }

            JsonElement idle = await StatsAsync(http);
            Console.WriteLine($"idle, all connected: managed heap after full GC {Mib(idle.GetProperty("heap").GetInt64())}, working set {Mib(idle.GetProperty("workingSet").GetInt64())}, sockets {idle.GetProperty("sockets").GetInt32()}");

            (await http.PostAsync($"/start?rate={options.Rate}&size={options.Size}&seconds={options.Seconds}", null)).EnsureSuccessStatusCode();
            long total = (long)options.Rate * options.Seconds;

            // Baseline: the largest sample of the warm-up's second half (the load's steady state, everyone reading).
            long baseHeap = 0;
            long baseWorkingSet = 0;
            long peakHeap = 0;
            long peakWorkingSet = 0;
            int peakMaxBuffered = 0;
            long laterHeap = 0;
            double cutAt = -1;
            bool stalled = false;
            JsonElement stats = idle;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                await Task.Delay(1000);
                stats = await StatsAsync(http);
                long heap = stats.GetProperty("heap").GetInt64();
                long workingSet = stats.GetProperty("workingSet").GetInt64();
                if (!stalled && clock.Elapsed.TotalSeconds >= options.Warmup / 2.0)
                {
                    baseHeap = Math.Max(baseHeap, heap);
                    baseWorkingSet = Math.Max(baseWorkingSet, workingSet);
                }
                else if (stalled)
                {
                    // Judged from the stall until 5 s after the cut (what the staller can hold); later samples are reported apart.
                    if (cutAt < 0 && stats.GetProperty("disconnects").GetArrayLength() > 0)
                    {
                        cutAt = clock.Elapsed.TotalSeconds;
                    }

                    if (cutAt < 0 || clock.Elapsed.TotalSeconds <= cutAt + 5)
                    {
                        peakHeap = Math.Max(peakHeap, heap);
                        peakWorkingSet = Math.Max(peakWorkingSet, workingSet);
                    }
                    else
                    {
                        laterHeap = Math.Max(laterHeap, heap);
                    }

                    peakMaxBuffered = Math.Max(peakMaxBuffered, stats.GetProperty("maxBuffered").GetInt32());
                }

                if (!stalled && clock.Elapsed.TotalSeconds >= options.Warmup)
                {
                    stalled = true;
                    staller.Stall();
                    Console.WriteLine($"  the staller stops reading (it had {staller.Received} broadcasts); baseline: heap {Mib(baseHeap)}, working set {Mib(baseWorkingSet)}");
                }

                long sent = stats.GetProperty("sent").GetInt64();
                Console.WriteLine($"  t={clock.Elapsed.TotalSeconds,5:F1}s sent {sent,5}  heap {Mib(stats.GetProperty("heap").GetInt64())}  working set {Mib(stats.GetProperty("workingSet").GetInt64())}  buffered all {Mib(stats.GetProperty("buffered").GetInt64())} max {Mib(stats.GetProperty("maxBuffered").GetInt32())}  sockets {stats.GetProperty("sockets").GetInt32()}  received min {healthy.Min(h => h.Received)}");
                if (sent >= total)
                {
                    break;
                }

                if (clock.Elapsed > TimeSpan.FromSeconds(options.Seconds * 3 + 30))
                {
                    Console.Error.WriteLine("The broadcaster did not finish in time.");
                    break;
                }
            }

            long broadcasts = stats.GetProperty("sent").GetInt64();
            var drain = Stopwatch.StartNew();
            while (healthy.Any(h => h.Received < broadcasts && !h.Ended) && drain.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            stats = await StatsAsync(http);
            JsonElement[] disconnects = [.. stats.GetProperty("disconnects").EnumerateArray()];
            int allInOrder = healthy.Count(h => h.Received == broadcasts && h.InOrder);

            Console.WriteLine();
            Console.WriteLine($"broadcasts sent: {broadcasts} ({Mib(broadcasts * options.Size)} each client)");
            foreach (JsonElement d in disconnects)
            {
                Console.WriteLine($"disconnected: \"{d.GetProperty("reason").GetString()}\" {d.GetProperty("afterBroadcastMs").GetInt64() / 1000.0:F1} s after broadcasting began, after {d.GetProperty("broadcastsSent").GetInt64()} broadcasts");
            }

            Console.WriteLine($"largest outgoing buffer of one session seen: {Mib(peakMaxBuffered)} (bound {Mib(TypedSocketIO.EngineIO.EngineIOOptions.DefaultMaxOutgoingBufferSize)})");
            Console.WriteLine($"server managed heap after full GC: idle {Mib(idle.GetProperty("heap").GetInt64())}, baseline (warm-up, all reading) {Mib(baseHeap)}, peak from the stall to 5 s after the cut {Mib(peakHeap)} ({Signed(peakHeap - baseHeap)}), peak later {Mib(laterHeap)} ({Signed(laterHeap - baseHeap)}), end {Mib(stats.GetProperty("heap").GetInt64())}");
            Console.WriteLine($"server working set: baseline {Mib(baseWorkingSet)}, peak from the stall to 5 s after the cut {Mib(peakWorkingSet)} ({Signed(peakWorkingSet - baseWorkingSet)})");
            Console.WriteLine($"healthy clients with every broadcast, in order: {allInOrder}/{healthy.Count} (received min {healthy.Min(h => h.Received)}, max {healthy.Max(h => h.Received)})");

            bool cut = disconnects.Length == 1 && disconnects[0].GetProperty("reason").GetString() == SocketIODisconnectReason.OutgoingBufferOverflow;
            bool memory = peakHeap - baseHeap <= 2 * 1024 * 1024;
            bool delivered = allInOrder == healthy.Count;
            Console.WriteLine($"{(cut ? "PASS" : "FAIL")} the staller alone is cut at the bound (outgoing buffer overflow)");
            Console.WriteLine($"{(memory ? "PASS" : "FAIL")} server managed heap within baseline + 2 MiB");
            Console.WriteLine($"{(delivered ? "PASS" : "FAIL")} healthy clients get 100% in order");

            foreach (HealthyClient client in healthy)
            {
                await client.DisposeAsync();
            }

            return cut && memory && delivered ? 0 : 1;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static string Signed(long bytes) => (bytes >= 0 ? "+" : "-") + Mib(Math.Abs(bytes));

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB";

    private static async Task<JsonElement> StatsAsync(HttpClient http)
    {
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync("/stats"));
        return doc.RootElement.Clone();
    }

    private static Process StartServer()
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.FileName = self;
            start.ArgumentList.Add(typeof(Driver).Assembly.Location);
        }
        else
        {
            start.FileName = self;
        }

        start.ArgumentList.Add("--server");
        return Process.Start(start)!;
    }

    /// <summary>A WebSocket session that joined the root namespace; a small receive buffer makes the staller fill sooner.</summary>
    private static async Task<ClientWebSocket> ConnectAsync(Uri address, int? receiveBuffer)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (receiveBuffer is { } size)
                {
                    socket.ReceiveBufferSize = size;
                }

                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var ws = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(handler);
        await ws.ConnectAsync(new Uri($"ws://{address.Authority}/socket.io/?EIO=4&transport=websocket"), invoker, CancellationToken.None);
        var buffer = new byte[4096];
        await ws.ReceiveAsync(buffer, CancellationToken.None); // the open packet
        await ws.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        WebSocketReceiveResult result = await ws.ReceiveAsync(buffer, CancellationToken.None);
        if (!Encoding.UTF8.GetString(buffer, 0, result.Count).StartsWith("40{", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("No CONNECT answer.");
        }

        return ws;
    }
}

/// <summary>A client that reads everything, answers pings and checks that each tick's number follows the previous one.</summary>
internal sealed class HealthyClient : IAsyncDisposable
{
    private static readonly byte[] TickPrefix = "42[\"tick\","u8.ToArray();
    private readonly ClientWebSocket _ws;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private long _received;
    private volatile bool _outOfOrder;

    public HealthyClient(ClientWebSocket ws)
    {
        _ws = ws;
        _loop = Task.Run(ReadAsync);
    }

    public long Received => Interlocked.Read(ref _received);

    public bool InOrder => !_outOfOrder;

    public bool Ended => _loop.IsCompleted;

    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Stops reading for good (the connection stays open: a client whose application hangs).</summary>
    public void Stall() => _stalled.TrySetResult();

    private async Task ReadAsync()
    {
        byte[] buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                if (_stalled.Task.IsCompleted)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                // A whole message into the buffer (16 KB broadcasts fit); only its first bytes are looked at.
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _ws.ReceiveAsync(buffer.AsMemory(Math.Min(length, buffer.Length - 1)), _stop.Token);
                    length = Math.Min(length + result.Count, buffer.Length - 1);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                ReadOnlySpan<byte> message = buffer.AsSpan(0, length);
                if (message.SequenceEqual("2"u8))
                {
                    await _ws.SendAsync("3"u8.ToArray(), WebSocketMessageType.Text, true, _stop.Token);
                }
                else if (message.StartsWith(TickPrefix))
                {
                    if (!Utf8Parser.TryParse(message[TickPrefix.Length..], out long n, out _) || n != Received)
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
