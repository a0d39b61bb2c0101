namespace TypedSocketIO.EngineIO.Internal;

/// <summary>
/// Deadlines in a hashed timing wheel. The Engine.IO server keeps every session's deadlines in one (next ping, pong, upgrade,
/// noop, closing grace, a slow write's send timeout), so that its single ticker visits only the sessions that have something
/// due instead of every session on every tick: with the default 25 s ping interval, 50 000 idle sessions cost about 4 000
/// visits a second (a ping and its pong each) where a scan of all of them every 250 ms cost 200 000.
/// </summary>
/// <remarks>
/// Slot <c>s</c> holds the deadlines in <c>((s - 1) × slot, s × slot]</c>; a tick at <c>now</c> empties every slot up to
/// <c>now / slot</c>, keeping the deadlines that are a whole turn of the wheel or more away. A session has one entry at most: it
/// remembers the deadline of that entry, moves it only to an earlier deadline (a later one waits for the visit, which schedules
/// the next), and ignores an entry that is not its live one when it falls due. Lock order: a session's lock, then this wheel's.
/// </remarks>
internal sealed class DeadlineWheel<T>
    where T : class
{
    private const int SlotCount = 1024;

    // A slot's list emptied by a tick is dropped when it grew past this (a burst: every session's send timeout of one
    // broadcast lands in the same slot), so that the wheel does not keep each slot's largest burst for ever.
    private const int KeptSlotCapacity = 16;

    private readonly long _slotMilliseconds;
    private readonly List<Entry>?[] _slots = new List<Entry>?[SlotCount];
    private readonly Lock _lock = new();
    private long _nextSlot;
    private int _count;

    /// <param name="slotMilliseconds">The ticker's period: the wheel's resolution.</param>
    /// <param name="now">The current <see cref="Environment.TickCount64"/>.</param>
    public DeadlineWheel(long slotMilliseconds, long now)
    {
        _slotMilliseconds = slotMilliseconds;
        _nextSlot = now / slotMilliseconds;
    }

    /// <summary>Entries in the wheel, live or superseded (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>The entries the slots' lists can hold without growing (for tests: the memory the wheel keeps).</summary>
    internal int Capacity
    {
        get
        {
            lock (_lock)
            {
                int capacity = 0;
                foreach (List<Entry>? slot in _slots)
                {
                    capacity += slot?.Capacity ?? 0;
                }

                return capacity;
            }
        }
    }

    /// <summary>Makes <paramref name="item"/> due at <paramref name="at"/> (a <see cref="Environment.TickCount64"/> time).</summary>
    public void Add(T item, long at)
    {
        lock (_lock)
        {
            AddUnderLock(item, at);
        }
    }

    /// <summary>Moves the entry of <paramref name="item"/> due at <paramref name="previousAt"/> (if still in the wheel) to <paramref name="at"/>.</summary>
    public void Move(T item, long previousAt, long at)
    {
        lock (_lock)
        {
            RemoveUnderLock(item, previousAt);
            AddUnderLock(item, at);
        }
    }

    /// <summary>Forgets the entry of <paramref name="item"/> due at <paramref name="at"/>, if it is still in the wheel.</summary>
    public void Remove(T item, long at)
    {
        lock (_lock)
        {
            RemoveUnderLock(item, at);
        }
    }

    private void AddUnderLock(T item, long at)
    {
        ref List<Entry>? slot = ref _slots[SlotIndexUnderLock(at)];
        (slot ??= new List<Entry>()).Add(new Entry(item, at));
        _count++;
    }

    private void RemoveUnderLock(T item, long at)
    {
        List<Entry>? slot = _slots[SlotIndexUnderLock(at)];
        if (slot is null)
        {
            return;
        }

        for (int i = 0; i < slot.Count; i++)
        {
            if (slot[i].Item == item && slot[i].At == at)
            {
                slot[i] = slot[^1];
                slot.RemoveAt(slot.Count - 1);
                _count--;
                return;
            }
        }
    }

    /// <summary>Moves every entry due at <paramref name="now"/> into <paramref name="due"/>.</summary>
    public void TakeDue(long now, List<Entry> due)
    {
        lock (_lock)
        {
            long last = now / _slotMilliseconds;
            if (last < _nextSlot)
            {
                return;
            }

            // A ticker late by a whole turn or more looks at each slot once.
            long first = Math.Max(_nextSlot, last - SlotCount + 1);
            for (long s = first; s <= last; s++)
            {
                List<Entry>? slot = _slots[(int)(s & (SlotCount - 1))];
                if (slot is null || slot.Count == 0)
                {
                    continue;
                }

                int kept = 0;
                for (int i = 0; i < slot.Count; i++)
                {
                    Entry entry = slot[i];
                    if (entry.At <= now)
                    {
                        due.Add(entry);
                    }
                    else
                    {
                        slot[kept++] = entry; // a turn of the wheel or more away
                    }
                }

                _count -= slot.Count - kept;
                slot.RemoveRange(kept, slot.Count - kept);
                if (slot.Capacity > KeptSlotCapacity && slot.Capacity > 4 * kept)
                {
                    if (kept == 0)
                    {
                        _slots[(int)(s & (SlotCount - 1))] = null;
                    }
                    else
                    {
                        slot.Capacity = Math.Max(kept, KeptSlotCapacity);
                    }
                }
            }

            _nextSlot = last + 1;
        }
    }

    private int SlotIndexUnderLock(long at)
    {
        // The first slot boundary at or after the deadline; a deadline already behind the wheel goes to the next slot it empties.
        long slot = Math.Max((at + _slotMilliseconds - 1) / _slotMilliseconds, _nextSlot);
        return (int)(slot & (SlotCount - 1));
    }

    /// <summary>One deadline: <see cref="Item"/> is due at <see cref="At"/>.</summary>
    internal readonly record struct Entry(T Item, long At);
}
