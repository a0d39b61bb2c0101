using System.Diagnostics;
using System.Text;

namespace LoadGen;

/// <summary>
/// Scenario "fanout": R receivers (default 1000) join room "fan"; one emitter (not in the room) sends
/// <c>42["broadcast","fan",{"n":N,"s":"hello, world"}]</c> and keeps 16 broadcasts outstanding: a broadcast is done when
/// every receiver has its <c>tick</c>, and only then may the next one go. Figures: deliveries/s, deliveries per
/// server-core-second, p50/p99 delivery latency (emit sent → tick received, one clock).
/// With <c>--url2</c> (scenario "cluster-fanout") the receivers are split evenly between two servers of one cluster
/// (sharing rooms through Redis), the emitter on the first: half the deliveries cross the backplane; the server CPU is
/// the sum of both (<c>--server-pid A,B</c>) and Redis's is given apart (<c>--redis-pid</c>).
/// </summary>
internal sealed class FanoutScenario
{
    private const int Ring = 64; // > outstanding: a slot is reused only after its broadcast completed
    private readonly Options _options;
    private readonly LatencyHistogram _latency = new();
    private readonly long[] _sentAt = new long[Ring];
    private readonly int[] _remaining = new int[Ring];
    private long _deliveries;
    private long _unexpected;
    private volatile bool _measuring;
    private volatile bool _stopping;

    public FanoutScenario(Options options) => _options = options;

    public async Task RunAsync(ScenarioResult result, CancellationToken cancellationToken)
    {
        int receivers = _options.Int("receivers", 1000);
        int outstanding = _options.Int("outstanding", 16);
        if (outstanding >= Ring)
        {
            throw new ArgumentException($"--outstanding must be below {Ring}");
        }

        using var slots = new SemaphoreSlim(outstanding, outstanding);
        EioSocket[] sockets;
        if (_options.SecondServer is { } second)
        {
            // The first half of the receivers on the second server; the rest and the emitter on the first.
            int remote = receivers / 2;
            EioSocket[] onSecond = await Connections.ConnectManyAsync(_options, second, remote, lowMemory: false, cancellationToken);
            EioSocket[] onFirst = await Connections.ConnectManyAsync(_options, _options.Server, receivers - remote + 1, lowMemory: false, cancellationToken);
            sockets = [.. onSecond, .. onFirst];
        }
        else
        {
            sockets = await Connections.ConnectManyAsync(_options, receivers + 1, lowMemory: false, cancellationToken);
        }

        EioSocket emitter = sockets[receivers];
        try
        {
            // Every receiver joins the room (acked) before anything is broadcast.
            byte[] join = EioSocket.BuildFrame("421[\"join\",\"fan\"]"u8);
            await Parallel.ForEachAsync(sockets.AsMemory(0, receivers).ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
                async (socket, ct) =>
                {
                    await socket.Connection.SendRawAsync(join, ct);
                    while (true)
                    {
                        (bool isBinary, ReadOnlyMemory<byte> packet) = await socket.ReceiveAsync(ct);
                        if (!isBinary && EioSocket.TryParseAck(packet.Span, out long id, out _) && id == 1)
                        {
                            break;
                        }
                    }
                });

            var loops = new Task[receivers + 1];
            for (int i = 0; i < receivers; i++)
            {
                EioSocket socket = sockets[i];
                loops[i] = Task.Run(() => ReceiverLoopAsync(socket, slots, cancellationToken), cancellationToken);
            }

            loops[receivers] = Task.Run(() => EmitterLoopAsync(emitter, slots, receivers, cancellationToken), cancellationToken);
            int redisPid = _options.Int("redis-pid", 0);
            var window = new Window(_options.ServerPids, redisPid);
            await Task.Delay(TimeSpan.FromSeconds(_options.Warmup), cancellationToken);
            ThrowIfFailed(loops);
            _measuring = true;
            window.Start();
            await Task.Delay(TimeSpan.FromSeconds(_options.Duration), cancellationToken);
            window.Stop();
            _measuring = false;
            long deliveries = Interlocked.Read(ref _deliveries);
            _stopping = true;
            ThrowIfFailed(loops);
            await Connections.WaitBoundedAsync([loops[receivers]], TimeSpan.FromSeconds(10), result);

            if (_options.SecondServer is not null)
            {
                result.Add("servers", _options.ServerPids.Length);
            }

            result.Add("receivers", receivers);
            result.Add("outstanding broadcasts", outstanding);
            result.Add("deliveries/s", deliveries / window.Seconds);
            result.Add("deliveries per server-core-second", window.ServerCpuSeconds > 0 ? deliveries / window.ServerCpuSeconds : double.NaN);
            result.Add("delivery p50 (µs)", _latency.Quantile(0.50));
            result.Add("delivery p99 (µs)", _latency.Quantile(0.99));
            window.AddTo(result);
            if (redisPid > 0)
            {
                result.Add("redis CPU (% of a core)", 100 * window.OtherCpuSeconds / window.Seconds);
            }

            if (Interlocked.Read(ref _unexpected) > 0)
            {
                result.Notes.Add($"{_unexpected} unexpected packets received");
            }
        }
        finally
        {
            foreach (EioSocket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static void ThrowIfFailed(Task[] loops)
    {
        foreach (Task loop in loops)
        {
            if (loop.IsFaulted)
            {
                throw new InvalidOperationException($"a client loop failed: {loop.Exception!.GetBaseException().Message}", loop.Exception);
            }
        }
    }

    private async Task EmitterLoopAsync(EioSocket emitter, SemaphoreSlim slots, int receivers, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256];
        long sequence = 0;
        while (!_stopping)
        {
            // A broadcast not complete within 10 s means deliveries were lost: fail rather than wait forever.
            if (!await slots.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken))
            {
                throw new TimeoutException("a broadcast did not reach every receiver within 10 s (deliveries lost)");
            }

            if (_stopping)
            {
                break;
            }

            sequence++;
            int slot = (int)(sequence % Ring);
            Volatile.Write(ref _remaining[slot], receivers);
            int length = Encoding.ASCII.GetBytes($"42[\"broadcast\",\"fan\",{{\"n\":{sequence},\"s\":\"hello, world\"}}]", buffer.AsSpan(6));
            WsConnection.WriteHeader(buffer, WsOpcode.Text, length);
            Volatile.Write(ref _sentAt[slot], Stopwatch.GetTimestamp());
            await emitter.Connection.SendRawAsync(buffer.AsMemory(0, 6 + length), cancellationToken);
        }
    }

    private async Task ReceiverLoopAsync(EioSocket socket, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        while (!_stopping)
        {
            (bool isBinary, ReadOnlyMemory<byte> packet) = await socket.ReceiveAsync(cancellationToken);
            if (isBinary || !EioSocket.TryParseTick(packet.Span, out long sequence))
            {
                Interlocked.Increment(ref _unexpected);
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            int slot = (int)(sequence % Ring);
            if (_measuring)
            {
                Interlocked.Increment(ref _deliveries);
                _latency.RecordTicks(now - Volatile.Read(ref _sentAt[slot]));
            }

            if (Interlocked.Decrement(ref _remaining[slot]) == 0)
            {
                slots.Release();
            }
        }
    }
}
