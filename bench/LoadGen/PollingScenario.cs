using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LoadGen;

/// <summary>
/// Scenario "polling": C clients (default 50) on HTTP long-polling only (no upgrade), each emitting
/// <c>42N["echo",{…}]</c> in a POST and sending the next one when the ack <c>43N[…]</c> comes back in a GET; one GET
/// always pending per client, heartbeats answered with a POSTed "3". Figures: events/s (acknowledged emits: one event
/// up, its ack down), events per server-core-second, p50/p99 round trip.
/// </summary>
internal sealed class PollingScenario
{
    private readonly Options _options;
    private readonly LatencyHistogram _latency = new();
    private long _events;
    private volatile bool _measuring;
    private volatile bool _stopping;

    public PollingScenario(Options options) => _options = options;

    public async Task RunAsync(ScenarioResult result, CancellationToken cancellationToken)
    {
        int clients = _options.Int("clients", 50);
        IPEndPoint server = _options.Server;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = (clients * 2) + 8,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://{server}/"), Timeout = TimeSpan.FromSeconds(60) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var sessions = new PollingSession[clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => sessions[i] = await PollingSession.OpenAsync(http, ct));

        var tasks = new List<Task>(clients * 2);
        foreach (PollingSession session in sessions)
        {
            tasks.Add(Task.Run(() => session.PollLoopAsync(() => _stopping, stop.Token), cancellationToken));
            tasks.Add(Task.Run(() => EmitLoopAsync(session, stop.Token), cancellationToken));
        }

        var window = new Window(_options.ServerPid);
        await Task.Delay(TimeSpan.FromSeconds(_options.Warmup), cancellationToken);
        _measuring = true;
        window.Start();
        await Task.Delay(TimeSpan.FromSeconds(_options.Duration), cancellationToken);
        window.Stop();
        _measuring = false;
        long events = Interlocked.Read(ref _events);
        _stopping = true;
        Task? failed = tasks.Find(t => t.IsFaulted);
        await stop.CancelAsync();
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
        foreach (PollingSession session in sessions)
        {
            session.Dispose();
        }

        if (failed is not null)
        {
            throw new InvalidOperationException($"a polling client failed: {failed.Exception!.GetBaseException().Message}", failed.Exception);
        }

        result.Add("clients", clients);
        result.Add("events/s", events / window.Seconds);
        result.Add("events per server-core-second", window.ServerCpuSeconds > 0 ? events / window.ServerCpuSeconds : double.NaN);
        result.Add("round trip p50 (µs)", _latency.Quantile(0.50));
        result.Add("round trip p99 (µs)", _latency.Quantile(0.99));
        window.AddTo(result);
    }

    private async Task EmitLoopAsync(PollingSession session, CancellationToken cancellationToken)
    {
        long ackId = 0;
        while (!_stopping)
        {
            ackId++;
            long sent = Stopwatch.GetTimestamp();
            await session.PostAsync($"42{ackId}[\"echo\",{{\"n\":{ackId},\"s\":\"hello, world\"}}]", cancellationToken);
            // The poll loop hands over every ack; a missing one within 10 s fails the scenario.
            while (true)
            {
                long acked = await session.NextAckAsync(TimeSpan.FromSeconds(10), cancellationToken);
                if (acked == ackId)
                {
                    break;
                }
            }

            if (_measuring)
            {
                Interlocked.Increment(ref _events);
                _latency.RecordTicks(Stopwatch.GetTimestamp() - sent);
            }
        }
    }
}

/// <summary>One Engine.IO long-polling session joined to "/": a GET always pending, POSTs one at a time.</summary>
internal sealed class PollingSession : IDisposable
{
    private static readonly MediaTypeHeaderValue TextPlain = new("text/plain") { CharSet = "UTF-8" };
    private readonly HttpClient _http;
    private readonly string _path;
    private readonly SemaphoreSlim _postLock = new(1, 1);
    private readonly SemaphoreSlim _acksReady = new(0);
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _acks = new();

    private PollingSession(HttpClient http, string sid)
    {
        _http = http;
        _path = $"socket.io/?EIO=4&transport=polling&sid={Uri.EscapeDataString(sid)}";
    }

    public static async Task<PollingSession> OpenAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        string open = await http.GetStringAsync(new Uri("socket.io/?EIO=4&transport=polling", UriKind.Relative), timeout.Token);
        const string Marker = "\"sid\":\"";
        int at = open.IndexOf(Marker, StringComparison.Ordinal);
        if (!open.StartsWith('0') || at < 0)
        {
            throw new IOException($"unexpected Engine.IO open packet: {open}");
        }

        string sid = open[(at + Marker.Length)..open.IndexOf('"', at + Marker.Length)];
        var session = new PollingSession(http, sid);
        await session.PostAsync("40", timeout.Token);
        // The CONNECT answer (0{"sid":…}) comes in the next GET.
        while (true)
        {
            string body = await session.GetAsync(timeout.Token);
            if (body.Split('\u001e').Any(p => p.StartsWith("40", StringComparison.Ordinal)))
            {
                return session;
            }
        }
    }

    public async Task PostAsync(string payload, CancellationToken cancellationToken)
    {
        await _postLock.WaitAsync(cancellationToken);
        try
        {
            using var content = new StringContent(payload, Encoding.UTF8);
            content.Headers.ContentType = TextPlain;
            using HttpResponseMessage response = await _http.PostAsync(new Uri(_path, UriKind.Relative), content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new IOException($"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
        finally
        {
            _postLock.Release();
        }
    }

    private async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri(_path, UriKind.Relative), cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"GET answered {(int)response.StatusCode}: {body}");
        }

        return body;
    }

    /// <summary>Polls until stopped: acks go to <see cref="NextAckAsync"/>, pings are answered, a close fails.</summary>
    public async Task PollLoopAsync(Func<bool> stopping, CancellationToken cancellationToken)
    {
        try
        {
            while (!stopping())
            {
                string body = await GetAsync(cancellationToken);
                foreach (string packet in body.Split('\u001e'))
                {
                    if (packet.StartsWith("43", StringComparison.Ordinal))
                    {
                        int bracket = packet.IndexOf('[', StringComparison.Ordinal);
                        if (bracket > 2 && long.TryParse(packet.AsSpan(2, bracket - 2), System.Globalization.CultureInfo.InvariantCulture, out long id))
                        {
                            _acks.Enqueue(id);
                            _acksReady.Release();
                        }
                    }
                    else if (packet == "2")
                    {
                        await PostAsync("3", cancellationToken);
                    }
                    else if (packet.StartsWith('1'))
                    {
                        throw new IOException("the server closed the polling session");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping())
        {
        }
    }

    public void Dispose()
    {
        _postLock.Dispose();
        _acksReady.Dispose();
    }

    public async Task<long> NextAckAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        if (!await _acksReady.WaitAsync(bound, cancellationToken))
        {
            throw new TimeoutException($"no ack over polling within {bound.TotalSeconds:0} s");
        }

        _acks.TryDequeue(out long id);
        return id;
    }
}
