using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Server;

namespace TypedSocketIO.Soak;

/// <summary>The knobs of a soak run.</summary>
/// <param name="Clients">Official clients held at once (Node, socket.io-client 4.8.x).</param>
/// <param name="Seconds">How long they emit and receive.</param>
/// <param name="PollingShare">The share of clients on HTTP long-polling only (the others start on polling and upgrade).</param>
/// <param name="ChurnPerMinute">The share of clients replaced each minute.</param>
/// <param name="PingInterval">The server's pingInterval.</param>
/// <param name="PingTimeout">The server's pingTimeout.</param>
/// <param name="HalfOpen">Sessions opened at the end that never answer a ping (half-open peers).</param>
/// <param name="Smoke">The short variant of the normal suite: the timing and heap-growth figures are printed, not judged
/// (a loaded 2-core test machine says nothing about them in a minute).</param>
public sealed record SoakOptions(int Clients, int Seconds, double PollingShare, double ChurnPerMinute, TimeSpan PingInterval,
    TimeSpan PingTimeout, int HalfOpen, bool Smoke)
{
    /// <summary>The full run of issue 14: 2 000 clients for 30 minutes, default heartbeat.</summary>
    public static SoakOptions Full { get; } = new(2000, 1800, 0.1, 0.1, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(20), 20, Smoke: false);

    /// <summary>The 60-second smoke variant: 200 clients, a 5 s + 10 s heartbeat so that half-open peers are found soon after the run.</summary>
    public static SoakOptions SmokeRun { get; } = new(200, 60, 0.1, 0.1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), 10, Smoke: true);

    /// <summary>Reads <c>--smoke</c>, <c>--clients N</c>, <c>--seconds N</c>, <c>--polling F</c>, <c>--churn F</c>,
    /// <c>--ping-interval MS</c>, <c>--ping-timeout MS</c>, <c>--half-open N</c>.</summary>
    public static SoakOptions Parse(string[] args)
    {
        SoakOptions o = args.Contains("--smoke") ? SmokeRun : Full;
        string? Get(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int GetInt(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double GetDouble(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return o with
        {
            Clients = GetInt("--clients", o.Clients),
            Seconds = GetInt("--seconds", o.Seconds),
            PollingShare = GetDouble("--polling", o.PollingShare),
            ChurnPerMinute = GetDouble("--churn", o.ChurnPerMinute),
            PingInterval = TimeSpan.FromMilliseconds(GetInt("--ping-interval", (int)o.PingInterval.TotalMilliseconds)),
            PingTimeout = TimeSpan.FromMilliseconds(GetInt("--ping-timeout", (int)o.PingTimeout.TotalMilliseconds)),
            HalfOpen = GetInt("--half-open", o.HalfOpen),
        };
    }
}

/// <summary>What a soak run measured, and the verdict of each criterion.</summary>
public sealed record SoakResult(bool Passed, IReadOnlyList<string> Criteria, JsonElement? ClientSummary);

/// <summary>
/// One soak run: our server (default options but the heartbeat) in this process on 127.0.0.1, the official clients in a Node
/// process, the server's own figures sampled every 10 s.
/// </summary>
public static class SoakRun
{
    /// <summary>Runs the soak and prints its figures and criteria to <paramref name="log"/>.</summary>
    public static async Task<SoakResult> RunAsync(SoakOptions options, TextWriter log)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO(o =>
        {
            o.EngineIO.PingInterval = options.PingInterval;
            o.EngineIO.PingTimeout = options.PingTimeout;
        });
        await using WebApplication app = builder.Build();

        var clock = Stopwatch.StartNew();
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var connectedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var halfOpenClosed = new System.Collections.Concurrent.ConcurrentDictionary<string, (long AfterMs, string Reason)>(StringComparer.Ordinal);
        app.MapSocketIO("/", ns => ns.OnConnection(socket =>
        {
            connectedAt[socket.Id] = clock.ElapsedMilliseconds;
            socket.On("echo", (arguments, ack) =>
            {
                ack.Send(arguments, static (writer, a) => writer.WriteRawJson(a.GetRawJson(0).Span));
                return ValueTask.CompletedTask;
            });
            socket.Disconnected += (s, reason) =>
            {
                lock (reasons)
                {
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                }

                if (connectedAt.TryRemove(s.Id, out long at) && s.Handshake.Query.ContainsKey("halfopen"))
                {
                    halfOpenClosed[s.Id] = (clock.ElapsedMilliseconds - at, reason);
                }
            };
        }));
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        SocketIOServer io = app.Services.GetRequiredService<SocketIOServer>();
        SocketIOServerDiagnostics diagnostics = io.Diagnostics;

        log.WriteLine($"soak: {options.Clients} clients ({options.PollingShare:P0} polling only), {options.Seconds} s, churn {options.ChurnPerMinute:P0}/min, " +
            $"heartbeat {options.PingInterval.TotalMilliseconds}/{options.PingTimeout.TotalMilliseconds} ms, server {url}");

        // The 1 KB broadcast to everyone, once a second.
        string payload = new('n', 1000);
        using var broadcastStop = new CancellationTokenSource();
        long broadcasts = 0;
        Task broadcaster = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(broadcastStop.Token).ConfigureAwait(false))
            {
                io.Emit("news", broadcasts++, payload);
            }
        });

        // The official clients.
        string script = Path.Combine(FindRepository(), "tests", "interop-node", "soak-clients.mjs");
        var node = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { script, "--url", url, "--clients", options.Clients.ToString(CultureInfo.InvariantCulture),
            "--seconds", options.Seconds.ToString(CultureInfo.InvariantCulture), "--polling", options.PollingShare.ToString(CultureInfo.InvariantCulture),
            "--churn", options.ChurnPerMinute.ToString(CultureInfo.InvariantCulture) })
        {
            node.ArgumentList.Add(a);
        }

        using Process clients = Process.Start(node)!;
        JsonElement? summary = null;
        var stderr = new StringBuilder();
        clients.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        clients.BeginErrorReadLine();

        // Server figures every 10 s, beside the clients' progress lines.
        var heap = new List<(int Second, long Bytes)>();
        using var samplerStop = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
            while (await timer.WaitForNextTickAsync(samplerStop.Token).ConfigureAwait(false))
            {
                long bytes = HeapAfterFullCollection();
                int second = (int)clock.Elapsed.TotalSeconds;
                lock (heap)
                {
                    heap.Add((second, bytes));
                }

                log.WriteLine($"  server at {second,5} s: managed heap {bytes / 1048576.0:F2} MiB, working set {Environment.WorkingSet / 1048576.0:F1} MiB, " +
                    $"sessions {diagnostics.EngineIOSessionCount}, sockets {diagnostics.SocketCount}, pending acks {diagnostics.PendingAckCount}");
            }
        });

        using var clientsTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds + 120));
        while (await clients.StandardOutput.ReadLineAsync(clientsTimeout.Token).ConfigureAwait(false) is { } line)
        {
            using JsonDocument document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("progress", out JsonElement progress))
            {
                log.WriteLine($"  clients: {progress.GetRawText()}");
            }
            else if (document.RootElement.TryGetProperty("summary", out JsonElement s))
            {
                summary = s.Clone();
            }
        }

        await clients.WaitForExitAsync(clientsTimeout.Token).ConfigureAwait(false);
        samplerStop.Cancel();
        await IgnoreCancellation(sampler);

        // Everyone left: the server's own counters go back to zero (the broadcaster keeps running: it must not hold anything).
        // A client whose goodbye did not make it out before its process ended is a vanished peer: its heartbeat ends it.
        var leftWithin = Stopwatch.StartNew();
        while (leftWithin.Elapsed < options.PingInterval + options.PingTimeout + TimeSpan.FromSeconds(5)
            && (diagnostics.EngineIOSessionCount != 0 || diagnostics.SocketCount != 0 || diagnostics.RoomCount != 0 || diagnostics.PendingAckCount != 0))
        {
            await Task.Delay(100);
        }

        string counters = $"sessions {diagnostics.EngineIOSessionCount}, sockets {diagnostics.SocketCount}, rooms {diagnostics.RoomCount}, " +
            $"pending acks {diagnostics.PendingAckCount}, half-built binary packets {diagnostics.PendingBinaryPacketCount}";
        bool countersAtZero = diagnostics.EngineIOSessionCount == 0 && diagnostics.SocketCount == 0 && diagnostics.RoomCount == 0
            && diagnostics.PendingAckCount == 0 && diagnostics.PendingBinaryPacketCount == 0;

        // Half-open peers: sessions that connect and then never answer a ping (as a peer that vanished without a FIN).
        var halfOpen = new List<ClientWebSocket>();
        for (int i = 0; i < options.HalfOpen; i++)
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(new Uri(url.Replace("http://", "ws://", StringComparison.Ordinal) + "/socket.io/?EIO=4&transport=websocket&halfopen=1"), CancellationToken.None);
            await ws.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            halfOpen.Add(ws);
        }

        var halfOpenWait = Stopwatch.StartNew();
        TimeSpan halfOpenBound = options.PingInterval + options.PingTimeout + TimeSpan.FromMilliseconds(500);
        while (halfOpenClosed.Count < options.HalfOpen && halfOpenWait.Elapsed < halfOpenBound * 3)
        {
            await Task.Delay(50);
        }

        foreach (ClientWebSocket ws in halfOpen)
        {
            ws.Abort();
            ws.Dispose();
        }

        broadcastStop.Cancel();
        await IgnoreCancellation(broadcaster);
        await app.StopAsync();

        // The verdict.
        var criteria = new List<string>();
        bool passed = true;
        void Judge(bool held, bool judged, string text)
        {
            criteria.Add($"{(judged ? (held ? "PASS" : "FAIL") : "info")}  {text}");
            passed &= held || !judged;
        }

        Judge(summary is not null, true, summary is null ? $"the clients printed no summary:\n{stderr}" : "the clients finished");
        if (summary is { } sum)
        {
            long acks = sum.GetProperty("acks").GetInt64();
            long ackErrors = sum.GetProperty("ackErrors").GetInt64();
            int unexpected = sum.GetProperty("unexpectedDisconnects").GetInt32();
            int connectErrors = sum.GetProperty("connectErrors").GetInt32();
            double p99 = sum.GetProperty("ackP99Ms").GetDouble();
            long gaps = sum.GetProperty("newsGaps").GetInt64();
            Judge(unexpected == 0 && connectErrors == 0, true,
                $"0 unexpected disconnects: {unexpected} ({sum.GetProperty("unexpectedReasons").GetRawText()}), {connectErrors} connect errors, {sum.GetProperty("churned").GetInt32()} churned");
            Judge(acks > 0 && ackErrors == 0, true, $"every acknowledgement answered: {acks} answered, {ackErrors} failed or timed out " +
                $"{sum.GetProperty("ackErrorSamples").GetRawText()}, {sum.GetProperty("ackAbandonedByLeavingClients").GetInt64()} given up by clients leaving (churn)");
            Judge(gaps == 0 && sum.GetProperty("news").GetInt64() > 0, true, $"every broadcast to every client in order: {sum.GetProperty("news").GetInt64()} received, {gaps} gaps");
            Judge(p99 < 50, !options.Smoke, $"ack p99 < 50 ms: p50 {sum.GetProperty("ackP50Ms").GetDouble()} ms, p99 {p99} ms, max {sum.GetProperty("ackMaxMs").GetDouble()} ms");
        }

        lock (heap)
        {
            // The baseline is the first sample after a quarter of the run (clients ramped up, pools warm); growth is to the last.
            (int Second, long Bytes)[] steady = heap.Where(h => h.Second >= options.Seconds / 4).ToArray();
            if (steady.Length >= 2)
            {
                double growth = (steady[^1].Bytes - steady[0].Bytes) / (double)steady[0].Bytes;
                Judge(growth < 0.05, !options.Smoke,
                    $"managed heap after full GC grows < 5%: {steady[0].Bytes / 1048576.0:F2} MiB at {steady[0].Second} s -> {steady[^1].Bytes / 1048576.0:F2} MiB at {steady[^1].Second} s ({growth:P1})");
            }
        }

        Judge(countersAtZero, true, $"counters back to 0 after everyone left (within {leftWithin.Elapsed.TotalSeconds:F1} s): {counters}");
        long worst = halfOpenClosed.IsEmpty ? -1 : halfOpenClosed.Values.Max(v => v.AfterMs);
        bool allPingTimeout = halfOpenClosed.Values.All(v => v.Reason == "ping timeout");
        Judge(halfOpenClosed.Count == options.HalfOpen && allPingTimeout, true,
            $"half-open peers closed for ping timeout: {halfOpenClosed.Count}/{options.HalfOpen}, reasons {string.Join(", ", halfOpenClosed.Values.Select(v => v.Reason).Distinct())}");
        Judge(worst >= 0 && worst <= halfOpenBound.TotalMilliseconds, !options.Smoke,
            $"within pingInterval + pingTimeout + 500 ms ({halfOpenBound.TotalMilliseconds} ms): the slowest after {worst} ms");

        lock (reasons)
        {
            criteria.Add($"info  server-side disconnect reasons: {string.Join(", ", reasons.Select(r => $"{r.Key} {r.Value}"))}");
        }

        if (summary is { } all)
        {
            criteria.Add($"info  clients: {all.GetRawText()}");
        }

        foreach (string c in criteria)
        {
            log.WriteLine(c);
        }

        log.WriteLine(passed ? "soak: every judged criterion held" : "soak: FAILED");
        return new SoakResult(passed, criteria, summary);
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string FindRepository()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "TypedSocketIO.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The repository (TypedSocketIO.sln) was not found above " + AppContext.BaseDirectory);
    }
}
