using System.Diagnostics;
using System.Net;

namespace LoadGen;

/// <summary>Opening many connections (bounded concurrency, spread over source addresses) and bounded waits.</summary>
internal static class Connections
{
    /// <summary>Connections per source address in 127.0.0.0/8 (the ephemeral port range holds ~28 000 per address).</summary>
    public const int PerSourceAddress = 10_000;

    /// <summary>The source address of connection <paramref name="index"/>: 127.0.0.1 for the first 10 000, then .2, .3 …</summary>
    public static IPAddress SourceAddress(int index) => new([127, 0, 0, (byte)(1 + (index / PerSourceAddress))]);

    /// <summary>Opens <paramref name="count"/> connected sockets, <c>--connect-concurrency</c> (default 64) at a time, each bounded by 10 s.</summary>
    public static Task<EioSocket[]> ConnectManyAsync(Options options, int count, bool lowMemory, CancellationToken cancellationToken) =>
        ConnectManyAsync(options, options.Server, count, lowMemory, cancellationToken);

    /// <summary>Opens <paramref name="count"/> connected sockets to <paramref name="server"/>.</summary>
    public static async Task<EioSocket[]> ConnectManyAsync(Options options, IPEndPoint server, int count, bool lowMemory, CancellationToken cancellationToken)
    {
        var sockets = new EioSocket[count];
        int concurrency = Math.Min(count, options.Int("connect-concurrency", 64));
        int next = -1;
        var workers = new Task[concurrency];
        for (int w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    IPAddress? local = count > PerSourceAddress ? SourceAddress(i) : null;
                    sockets[i] = await EioSocket.ConnectAsync(server, local, lowMemory, timeout.Token);
                }
            }, cancellationToken);
        }

        try
        {
            await Task.WhenAll(workers);
        }
        catch
        {
            foreach (EioSocket? socket in sockets)
            {
                socket?.Dispose();
            }

            throw;
        }

        return sockets;
    }

    /// <summary>Waits for the tasks at most <paramref name="bound"/>; notes in the result what did not end in time or failed.</summary>
    public static async Task WaitBoundedAsync(Task[] tasks, TimeSpan bound, ScenarioResult result)
    {
        var all = Task.WhenAll(tasks);
        var started = Stopwatch.StartNew();
        if (await Task.WhenAny(all, Task.Delay(bound)) != all)
        {
            result.Notes.Add($"{tasks.Count(t => !t.IsCompleted)} client loops did not stop within {bound.TotalSeconds:0} s");
            return;
        }

        int failed = tasks.Count(t => t.IsFaulted);
        if (failed > 0)
        {
            Exception first = tasks.First(t => t.IsFaulted).Exception!.GetBaseException();
            throw new InvalidOperationException($"{failed} client loops failed; first: {first.Message}", first);
        }

        _ = started;
    }
}
