using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// Scenario "idle": N WebSocket connections (Socket.IO connected to "/") opened 64 at a time, spread over source
/// addresses 127.0.0.1, .2, … (10 000 each) past 10 000, then held with nothing but the server's heartbeats (answered).
/// Figures: connection setup rate (N / time to open them all), server RSS per connection (VmRSS after − VmRSS before,
/// over N; "before" is with 100 connections already open, so start-up and first-use costs are not counted), and the
/// server's CPU while idle over the idle window, with the heartbeats answered meanwhile.
/// </summary>
internal sealed class IdleScenario
{
    private const int WarmConnections = 100;
    private readonly Options _options;
    private volatile bool _stopping;
    private long _failedLoops;

    public IdleScenario(Options options) => _options = options;

    public async Task RunAsync(ScenarioResult result, CancellationToken cancellationToken)
    {
        int count = _options.Int("connections", 5000);
        double idleWindow = _options.Double("idle-window", 10);

        // Held this long before the CPU window opens: with at least a ping interval (25 s), every session has been pinged
        // once and the server's code for it compiled, so the window sees the steady state rather than the JIT.
        double settle = _options.Double("idle-settle", 0);
        int pid = _options.ServerPid;
        EioSocket[] warm = [];
        EioSocket[] held = [];
        var loops = new List<Task>(count + WarmConnections);
        try
        {
            warm = await Connections.ConnectManyAsync(_options, WarmConnections, lowMemory: true, cancellationToken);
            StartLoops(warm, loops, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            long rssBefore = ProcFs.RssKiB(pid);

            var setup = Stopwatch.StartNew();
            held = await Connections.ConnectManyAsync(_options, count, lowMemory: true, cancellationToken);
            double setupSeconds = setup.Elapsed.TotalSeconds;
            StartLoops(held, loops, cancellationToken);

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            long rssAfter = ProcFs.RssKiB(pid);

            if (settle > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(settle), cancellationToken);
            }

            long pingsBefore = EioSocket.PingsAnswered;
            var window = new Window(pid);
            window.Start();
            await Task.Delay(TimeSpan.FromSeconds(idleWindow), cancellationToken);
            window.Stop();
            long pings = EioSocket.PingsAnswered - pingsBefore;
            long failed = Interlocked.Read(ref _failedLoops);
            if (failed > 0)
            {
                throw new InvalidOperationException($"{failed} of {count + WarmConnections} idle connections were closed by the server while held");
            }

            result.Add("connections held", count);
            result.Add("connection setup (conn/s)", count / setupSeconds);
            result.Add("RSS per connection (KiB)", (double)(rssAfter - rssBefore) / count);
            result.Add("server RSS with all held (MiB)", rssAfter / 1024.0);
            result.Add("idle server CPU (% of a core)", 100 * window.ServerCpuSeconds / window.Seconds);
            result.Add("heartbeats answered in the idle window", pings);
            result.Add("load generator CPU (% of a core)", 100 * window.SelfCpuSeconds / window.Seconds);
            result.Add("window (s)", window.Seconds);
        }
        finally
        {
            _stopping = true;
            foreach (EioSocket socket in warm)
            {
                socket.Dispose();
            }

            foreach (EioSocket socket in held)
            {
                socket.Dispose();
            }
        }
    }

    private void StartLoops(EioSocket[] sockets, List<Task> loops, CancellationToken cancellationToken)
    {
        foreach (EioSocket socket in sockets)
        {
            loops.Add(HoldAsync(socket, cancellationToken));
        }
    }

    // Answers heartbeats (inside EioSocket.ReceiveAsync) until the scenario ends; a close while held is a failure.
    private async Task HoldAsync(EioSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            while (!_stopping)
            {
                await socket.ReceiveAsync(cancellationToken);
                socket.Connection.ReleaseBufferIfIdle();
            }
        }
        catch (Exception) when (!_stopping)
        {
            Interlocked.Increment(ref _failedLoops);
        }
        catch (Exception)
        {
            // closed by the scenario's end
        }
    }
}
