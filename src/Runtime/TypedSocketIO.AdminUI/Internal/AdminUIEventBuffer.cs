namespace TypedSocketIO.AdminUI.Internal;

/// <summary>
/// The counts of the dashboard's charts (the official <c>EventBuffer</c>): connections and disconnections (by reason) per second,
/// packets and bytes in and out, sent and cleared with each server stats. Packets and bytes are counted without a lock (they
/// come with every message) and given the second of the stats that carries them.
/// </summary>
internal sealed class AdminUIEventBuffer(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(long Timestamp, string Type, string? SubType), long> _counts = [];
    private long _packetsIn;
    private long _bytesIn;
    private long _packetsOut;
    private long _bytesOut;

    public void Push(string type, string? subType = null)
    {
        long second = CurrentSecond();
        lock (_gate)
        {
            _counts[(second, type, subType)] = _counts.GetValueOrDefault((second, type, subType)) + 1;
        }
    }

    public void CountIn(int bytes)
    {
        Interlocked.Increment(ref _packetsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    public void CountOut(int packets, int bytes)
    {
        Interlocked.Add(ref _packetsOut, packets);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    /// <summary>Every count since the last call, as <c>{timestamp, type, subType, count}</c> entries (timestamps in ms, whole seconds).</summary>
    public List<AdminUIAggregatedEvent> TakeAll()
    {
        long second = CurrentSecond();
        var events = new List<AdminUIAggregatedEvent>();
        lock (_gate)
        {
            foreach (KeyValuePair<(long Timestamp, string Type, string? SubType), long> entry in _counts)
            {
                events.Add(new AdminUIAggregatedEvent(entry.Key.Timestamp, entry.Key.Type, entry.Key.SubType, entry.Value));
            }

            _counts.Clear();
        }

        AddCount(events, second, "packetsIn", Interlocked.Exchange(ref _packetsIn, 0));
        AddCount(events, second, "bytesIn", Interlocked.Exchange(ref _bytesIn, 0));
        AddCount(events, second, "packetsOut", Interlocked.Exchange(ref _packetsOut, 0));
        AddCount(events, second, "bytesOut", Interlocked.Exchange(ref _bytesOut, 0));
        return events;
    }

    private static void AddCount(List<AdminUIAggregatedEvent> events, long second, string type, long count)
    {
        if (count != 0)
        {
            events.Add(new AdminUIAggregatedEvent(second, type, null, count));
        }
    }

    private long CurrentSecond()
    {
        long ms = time.GetUtcNow().ToUnixTimeMilliseconds();
        return ms - (ms % 1000);
    }
}

/// <summary>One entry of <c>aggregatedEvents</c>.</summary>
internal readonly record struct AdminUIAggregatedEvent(long Timestamp, string Type, string? SubType, long Count);
