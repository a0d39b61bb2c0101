using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Connection state recovery in one process (the official <c>SessionAwareAdapter</c>): the EVENT packets emitted in the
/// namespace, each with its offset and selection, and the sessions of disconnected sockets. Both are bounded: the packets
/// by count and bytes (the oldest dropped), both by the recovery window, freed by one periodic sweep per namespace.
/// </summary>
public partial class InMemorySocketIOAdapter
{
    private const int EntryOverhead = 64;

    private readonly Lock _recoveryGate = new();
    private readonly Dictionary<string, StoredSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<StoredPacket?> _packets = [];
    private readonly string _epoch = SocketIOClientConnection.CreateSocketId()[..8];
    private readonly RecoverySettings? _recovery;
    private int _head;
    private long _headSeq;
    private long _nextSeq;
    private long _bufferedBytes;
    private ITimer? _sweepTimer;
    private bool _disposed;

    /// <summary>The number of EVENT packets kept for replay (connection state recovery).</summary>
    internal int BufferedPacketCount
    {
        get
        {
            lock (_recoveryGate)
            {
                return _packets.Count - _head;
            }
        }
    }

    /// <summary>The bytes of the EVENT packets kept for replay.</summary>
    internal long BufferedBytes
    {
        get
        {
            lock (_recoveryGate)
            {
                return _bufferedBytes;
            }
        }
    }

    /// <summary>The number of sessions kept.</summary>
    internal int SessionCount
    {
        get
        {
            lock (_recoveryGate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <inheritdoc/>
    public virtual void PersistSession(SocketIOSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_recovery is null)
        {
            return;
        }

        lock (_recoveryGate)
        {
            if (_disposed)
            {
                return;
            }

            _sessions[session.Pid] = new StoredSession(session, Nsp.Server.TimeProvider.GetUtcNow());
            EnsureSweepTimer();
        }
    }

    /// <inheritdoc/>
    public virtual ValueTask<SocketIORestoredSession?> RestoreSessionAsync(string pid, string offset, string? userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(offset);
        return ValueTask.FromResult(RestoreSession(pid, offset, userId));
    }

    /// <summary>Frees the sessions and packets older than the recovery window (run periodically; public to tests through InternalsVisibleTo).</summary>
    internal void Sweep()
    {
        if (_recovery is not { } recovery)
        {
            return;
        }

        lock (_recoveryGate)
        {
            DateTimeOffset threshold = Nsp.Server.TimeProvider.GetUtcNow() - recovery.Window;
            List<string>? expired = null;
            foreach (KeyValuePair<string, StoredSession> entry in _sessions)
            {
                if (entry.Value.DisconnectedAt < threshold)
                {
                    (expired ??= []).Add(entry.Key);
                }
            }

            if (expired is not null)
            {
                foreach (string pid in expired)
                {
                    _sessions.Remove(pid);
                }
            }

            while (_head < _packets.Count && _packets[_head]!.EmittedAt < threshold)
            {
                DropOldest();
            }

            Compact();
        }
    }

    /// <summary>Whether a broadcast is kept for replay: with recovery on, an EVENT without acknowledgement and not volatile.</summary>
    private bool IsRecorded(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options) =>
        _recovery is not null && (options.Flags & SocketIOBroadcastFlags.Volatile) == 0 && packet.AckId < 0;

    /// <summary>
    /// Appends the offset to the packet, keeps it for replay and sends it to the selected sockets, all under the recovery lock:
    /// every socket gets the packets of this namespace in offset order, even from broadcasts on several threads at once (a
    /// client whose last offset came before one it already has would get that one twice after a reconnection). The official
    /// server, on one thread, gives the same order.
    /// </summary>
    private void BroadcastRecorded(SocketIOBroadcastPacket packet, SocketIOBroadcastOptions options)
    {
        RecoverySettings recovery = _recovery!;
        IReadOnlySet<string> rooms = Freeze(options.Rooms);
        IReadOnlySet<string> except = Freeze(options.Except);
        lock (_recoveryGate)
        {
            if (_disposed)
            {
                Send(packet.Encode(), options);
                return;
            }

            long seq = _nextSeq++;
            SocketIOEncodedPacket encoded = packet.WithOffset(_epoch, seq).Encode();
            long size = EntryOverhead + encoded.Text.Length;
            foreach (ReadOnlyMemory<byte> attachment in encoded.Attachments)
            {
                size += attachment.Length;
            }

            _packets.Add(new StoredPacket(seq, encoded, rooms, except, Nsp.Server.TimeProvider.GetUtcNow(), size));
            _bufferedBytes += size;
            while (_packets.Count - _head > recovery.MaxPackets || _bufferedBytes > recovery.MaxBytes)
            {
                DropOldest();
            }

            Compact();
            EnsureSweepTimer();

            // Queuing is non-blocking: a socket's outgoing queue never waits here (a full one closes that session).
            Send(encoded, options);
        }
    }

    private SocketIORestoredSession? RestoreSession(string pid, string offset, string? userId)
    {
        if (_recovery is not { } recovery)
        {
            return null;
        }

        lock (_recoveryGate)
        {
            if (!_sessions.TryGetValue(pid, out StoredSession? stored))
            {
                return null;
            }

            if (stored.DisconnectedAt + recovery.Window < Nsp.Server.TimeProvider.GetUtcNow())
            {
                _sessions.Remove(pid);
                return null;
            }

            // Another user's attempt leaves the session to its owner (CVE-2026-56170 analogue).
            if (!string.Equals(stored.Session.UserId, userId, StringComparison.Ordinal))
            {
                return null;
            }

            // Every packet after the offset must still be here, or the client would silently miss some.
            if (!TryParseOffset(offset, out long seq) || seq >= _nextSeq || seq + 1 < _headSeq)
            {
                return null;
            }

            _sessions.Remove(pid);
            SocketIOSession session = stored.Session;
            return new SocketIORestoredSession(session, CollectAfter(seq, session.Rooms))
            {
                Position = _epoch + "-" + (_nextSeq - 1).ToString(CultureInfo.InvariantCulture),
            };
        }
    }

    /// <inheritdoc/>
    public virtual ValueTask<IReadOnlyList<SocketIOEncodedPacket>?> ReadPacketsAfterAsync(string position, IReadOnlyCollection<string> rooms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(rooms);
        if (_recovery is null)
        {
            return ValueTask.FromResult<IReadOnlyList<SocketIOEncodedPacket>?>(null);
        }

        lock (_recoveryGate)
        {
            // Every packet after the position must still be here.
            return ValueTask.FromResult<IReadOnlyList<SocketIOEncodedPacket>?>(
                !TryParseOffset(position, out long seq) || seq >= _nextSeq || seq + 1 < _headSeq ? null : CollectAfter(seq, rooms));
        }
    }

    /// <summary>The kept packets after <paramref name="seq"/> that select <paramref name="rooms"/>, in order (under the recovery lock).</summary>
    private List<SocketIOEncodedPacket> CollectAfter(long seq, IReadOnlyCollection<string> rooms)
    {
        var missed = new List<SocketIOEncodedPacket>();
        for (int i = _head + (int)(seq + 1 - _headSeq); i < _packets.Count; i++)
        {
            StoredPacket packet = _packets[i]!;
            if (ShouldInclude(rooms, packet))
            {
                missed.Add(packet.Packet);
            }
        }

        return missed;
    }

    private static bool ShouldInclude(IReadOnlyCollection<string> sessionRooms, StoredPacket packet)
    {
        bool included = packet.Rooms.Count == 0;
        foreach (string room in sessionRooms)
        {
            if (packet.Except.Contains(room))
            {
                return false;
            }

            included |= packet.Rooms.Contains(room);
        }

        return included;
    }

    private bool TryParseOffset(string offset, out long seq)
    {
        seq = -1;
        return offset.Length > _epoch.Length + 1
            && offset.StartsWith(_epoch, StringComparison.Ordinal)
            && offset[_epoch.Length] == '-'
            && long.TryParse(offset.AsSpan(_epoch.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    private void DropOldest()
    {
        StoredPacket oldest = _packets[_head]!;
        _packets[_head] = null;
        _head++;
        _headSeq = oldest.Seq + 1;
        _bufferedBytes -= oldest.Size;
    }

    private void Compact()
    {
        if (_head == _packets.Count)
        {
            _packets.Clear();
            _head = 0;
            _headSeq = _nextSeq;
        }
        else if (_head >= 1024 && _head >= _packets.Count / 2)
        {
            _packets.RemoveRange(0, _head);
            _head = 0;
        }
    }

    private void EnsureSweepTimer()
    {
        if (_sweepTimer is not null || _recovery is not { } recovery)
        {
            return;
        }

        // One timer per namespace, whatever the number of sessions (the official adapter's setInterval).
        TimeSpan period = recovery.Window < TimeSpan.FromMinutes(1) ? recovery.Window : TimeSpan.FromMinutes(1);
        _sweepTimer = Nsp.Server.TimeProvider.CreateTimer(static s => ((InMemorySocketIOAdapter)s!).Sweep(), this, period, period);
    }

    private void DisposeRecovery()
    {
        lock (_recoveryGate)
        {
            _disposed = true;
            _sweepTimer?.Dispose();
            _sweepTimer = null;
            _sessions.Clear();
            _packets.Clear();
            _head = 0;
            _headSeq = _nextSeq;
            _bufferedBytes = 0;
        }
    }

    private static IReadOnlySet<string> Freeze(IReadOnlySet<string> set) =>
        set is ImmutableHashSet<string> or FrozenSet<string> ? set : set.ToFrozenSet(StringComparer.Ordinal);

    private sealed record RecoverySettings(TimeSpan Window, int MaxPackets, long MaxBytes)
    {
        public static RecoverySettings? From(SocketIOConnectionStateRecoveryOptions? options) =>
            options is null ? null : new(options.MaxDisconnectionDuration, options.MaxPacketsPerNamespace, options.MaxBytesPerNamespace);
    }

    private sealed record StoredSession(SocketIOSession Session, DateTimeOffset DisconnectedAt);

    private sealed record StoredPacket(
        long Seq, SocketIOEncodedPacket Packet, IReadOnlySet<string> Rooms, IReadOnlySet<string> Except, DateTimeOffset EmittedAt, long Size);
}
