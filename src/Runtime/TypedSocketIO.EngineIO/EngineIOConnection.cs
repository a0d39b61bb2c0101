using System.Buffers;
using TypedSocketIO.EngineIO.Internal;
using TypedSocketIO.EngineIO.Internal.Transports;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// One Engine.IO session: a client known by its <see cref="Id"/>, over HTTP long-polling or WebSocket, that survives the
/// polling→WebSocket upgrade. Sending is thread-safe and never blocks: messages are queued and written by the transport.
/// </summary>
/// <remarks>
/// The session owns its state, the bounded outbound queue, the heartbeat, the upgrade and the close sequence; the transport
/// under it (long-polling, or a WebSocket on ASP.NET Core's middleware or on a Kestrel connection's pipes) only writes what
/// is queued and hands over what it reads. The session knows nothing of <c>HttpContext</c> or <c>WebSocket</c>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token source has no timer and the semaphore's wait handle is never created: neither holds anything to release.")]
public sealed class EngineIOConnection
{
    /// <summary>How often a pending poll is released with a noop while a probe is answered.</summary>
    internal const long NoopIntervalMilliseconds = 100;

    /// <summary>How long a session closed by the server waits for a poll to deliver its last packets and the close packet.</summary>
    private const long ClosingGraceMilliseconds = 10_000;

    /// <summary>How long a polling session closed by the client waits for the poll that its close packet releases.</summary>
    private const long ClientClosedGraceMilliseconds = 1_000;

    private readonly EngineIOServer _server;
    private readonly object _lock = new();

    // The outbound queue: one packet (the common case: an acknowledgement, one broadcast) in _first; from the second, an
    // array rented from the pool and returned when the transport takes it all, so that an idle session holds no array.
    private OutgoingPacket _first;
    private OutgoingPacket[]? _pending;
    private int _pendingCount;
    private int _queuedBytes;

    // Bytes a transport took from the queue and has not finished writing (a burst being flushed, a poll's response): they count
    // against MaxOutgoingBufferSize until the write completes, so that a client that stops reading is cut at the bound even though
    // the writer empties the queue into its socket at once. Retired by the transport on its next take (no extra lock).
    private int _writingBytes;

    // Set by the message that crosses the bound (under _lock): the session refuses everything until its close (started on the
    // thread pool) takes the state.
    private bool _overflowed;

    // Who waits for room in the queue (WaitForCapacityAsync); null until someone has waited.
    private List<CapacityWaiter>? _capacityWaiters;

    // Created on first use: the token of Closed, and the gate that keeps inbound packets one at a time (needed only when
    // two transports can read at once: polling POSTs beside an upgrading WebSocket).
    private CancellationTokenSource? _closed;
    private readonly SemaphoreSlim? _inbound;
    private EngineIOSessionState _state = EngineIOSessionState.Open;
    private IEngineIOTransport _transport = null!;
    private bool _closedByClient;
    private long _closingDeadline;

    // Heartbeat, read and written under _lock by the server's single ticker.
    private long _nextPingAt;
    private long _pongDeadline;

    // The deadline of this session's live entry in the server's DeadlineWheel (long.MaxValue: none), under _lock.
    private long _wheelAt = long.MaxValue;

    // The upgrade: the WebSocket being probed, and the noops that release a pending poll meanwhile.
    private WebSocketTransport? _probe;
    private long _upgradeDeadline;
    private bool _noopPending;
    private long _noopDue;

    internal EngineIOConnection(EngineIOServer server, string id, EngineIOHandshake handshake, bool polling)
    {
        _server = server;
        Id = id;
        Handshake = handshake;
        _nextPingAt = Environment.TickCount64 + (long)server.Options.PingInterval.TotalMilliseconds;
        if (polling)
        {
            Polling = new PollingTransport(this);
            _transport = Polling;
            _inbound = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>The endpoint this session belongs to: its options, live counts (<see cref="EngineIOServer.SessionCount"/>,
    /// <see cref="EngineIOServer.CountByTransport"/>) and the other sessions (<see cref="EngineIOServer.TryGetConnection"/>).</summary>
    public EngineIOServer Server => _server;

    /// <summary>The session id (<c>sid</c>): 20 URL-safe characters from a cryptographic random generator.</summary>
    public string Id { get; }

    /// <summary>The current transport: <c>polling</c> or <c>websocket</c>.</summary>
    public string Transport
    {
        get
        {
            lock (_lock)
            {
                return _transport.Name;
            }
        }
    }

    /// <summary>The request that opened the session.</summary>
    public EngineIOHandshake Handshake { get; }

    /// <summary>Whether messages can still be sent.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _state == EngineIOSessionState.Open && !_overflowed;
            }
        }
    }

    /// <summary>Cancelled when the session closes.</summary>
    public CancellationToken Closed
    {
        get
        {
            lock (_lock)
            {
                if (_closed is null)
                {
                    if (_state != EngineIOSessionState.Open)
                    {
                        return new CancellationToken(canceled: true);
                    }

                    _closed = new CancellationTokenSource();
                }

                return _closed.Token;
            }
        }
    }

    /// <summary>A slot for the handler's per-connection state (Socket.IO keeps its client object here).</summary>
    public object? State { get; set; }

    /// <summary>The long-polling transport of a session opened over polling (kept after an upgrade, to refuse late polls).</summary>
    internal PollingTransport? Polling { get; }

    /// <summary>The lock that guards the session; transports take it to read the queue and the state.</summary>
    internal object SyncRoot => _lock;

    /// <summary>The current transport (under <see cref="SyncRoot"/>).</summary>
    internal IEngineIOTransport TransportUnderLock => _transport;

    /// <summary>The session's state (under <see cref="SyncRoot"/>).</summary>
    internal EngineIOSessionState StateUnderLock => _state;

    /// <summary>What is queued, oldest first (under <see cref="SyncRoot"/>); valid until <see cref="ClearPendingUnderLock"/>.</summary>
    internal ReadOnlySpan<OutgoingPacket> PendingUnderLock => _pending is not null
        ? _pending.AsSpan(0, _pendingCount)
        : _pendingCount == 1 ? new ReadOnlySpan<OutgoingPacket>(in _first) : default;

    /// <summary>Whether the session is gone for good (not even flushing its last messages).</summary>
    internal bool IsFinished
    {
        get
        {
            lock (_lock)
            {
                return _state == EngineIOSessionState.Closed;
            }
        }
    }

    /// <summary>
    /// Queues one message. Returns <see langword="false"/> when the session is closed, when <paramref name="isVolatile"/> is set and
    /// the transport cannot write right now, or when the message would cross <see cref="EngineIOOptions.MaxOutgoingBufferSize"/>
    /// (then the session is closed with <c>transport error</c>).
    /// </summary>
    /// <param name="message">The message. Its bytes must not change afterwards.</param>
    /// <param name="isVolatile">Drop the message instead of queueing it when the transport is busy.</param>
    /// <returns>Whether the message was queued.</returns>
    public bool TrySend(EngineIOMessage message, bool isVolatile = false)
        => TrySend(new ReadOnlySpan<EngineIOMessage>(in message), isVolatile);

    /// <summary>
    /// Queues several messages atomically: they are written consecutively, with nothing in between, or not at all.
    /// A Socket.IO binary packet (a text message and its attachments) is sent this way.
    /// </summary>
    /// <param name="messages">The messages. Their bytes must not change afterwards.</param>
    /// <param name="isVolatile">Drop the messages instead of queueing them when the transport is busy.</param>
    /// <returns>Whether the messages were queued.</returns>
    /// <seealso cref="TrySend(EngineIOMessage, bool)"/>
    public bool TrySend(ReadOnlySpan<EngineIOMessage> messages, bool isVolatile = false) => TrySendCore(messages, owner: null, isVolatile);

    /// <summary>
    /// Queues one text message whose bytes are lent by <paramref name="owner"/>: it is released exactly once, when the message has
    /// been written or dropped — or at once when this returns <see langword="false"/>. The caller never touches it again either way.
    /// </summary>
    internal bool TrySendOwned(ReadOnlyMemory<byte> text, IEngineIOMessageOwner owner, bool isVolatile)
    {
        EngineIOMessage message = EngineIOMessage.Text(text);
        return TrySendCore(new ReadOnlySpan<EngineIOMessage>(in message), owner, isVolatile);
    }

    private bool TrySendCore(ReadOnlySpan<EngineIOMessage> messages, IEngineIOMessageOwner? owner, bool isVolatile)
    {
        int bytes = 0;
        foreach (EngineIOMessage message in messages)
        {
            bytes += message.Data.Length + 1;
        }

        int dropped;
        lock (_lock)
        {
            if (_state != EngineIOSessionState.Open || _overflowed)
            {
                owner?.Release();
                return false;
            }

            if (isVolatile && !(_pendingCount == 0 && _transport.IsWritableUnderLock))
            {
                // Policy, step 1: a volatile message is dropped whenever anything waits (long before the bound).
                owner?.Release();
                _server.CountDropped(messages.Length, EngineIOServer.DropReasonVolatile);
                return false;
            }

            // A message larger than the bound alone is taken when nothing else waits: it would never fit otherwise, and holds no
            // more than the sender already built.
            int waiting = _queuedBytes + _writingBytes;
            if (waiting + bytes <= _server.Options.MaxOutgoingBufferSize || waiting == 0)
            {
                foreach (EngineIOMessage message in messages)
                {
                    EnqueueUnderLock(new OutgoingPacket(EngineIOPacketType.Message, message.Data, message.IsBinary, owner), 0);
                }

                _queuedBytes += bytes;
                _transport.WakeUnderLock();
                return true;
            }

            // From now on the session refuses everything; it is counted, logged and closed once.
            _overflowed = true;
            dropped = _pendingCount + messages.Length;
        }

        // Policy, step 2: a message that would cross the bound closes the session (what is queued is dropped with it).
        owner?.Release();
        OnOverflow(bytes, dropped);
        return false;
    }

    private void OnOverflow(int bytes, int dropped)
    {
        int limit = _server.Options.MaxOutgoingBufferSize;
        EngineIOLog.OutgoingBufferOverflow(_server.Logger, bytes, limit);
        _server.CountDropped(dropped, EngineIOServer.DropReasonOverflow);

        // Closed on the thread pool, not inside the sender's emit: a broadcast goes on to the other sockets at once, and the
        // handler's close (the sockets' Disconnecting and Disconnected handlers) does not run within an application's Emit.
        ThreadPool.UnsafeQueueUserWorkItem(
            static session => _ = session.CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.OutgoingBufferOverflow.Reason,
                $"more than EngineIOOptions.MaxOutgoingBufferSize ({session._server.Options.MaxOutgoingBufferSize} bytes) waiting to be sent"), flush: false).AsTask(),
            this,
            preferLocal: false);
    }

    /// <summary>
    /// The bytes waiting for this session: queued, or taken by the transport and not yet written (a WebSocket burst being flushed,
    /// a poll's response being sent). Each message counts its data plus one byte. It never exceeds
    /// <see cref="EngineIOOptions.MaxOutgoingBufferSize"/> (a message that would cross it closes the session), except by a single
    /// message larger than the bound, taken when nothing else waited.
    /// </summary>
    public int BufferedAmount
    {
        get
        {
            lock (_lock)
            {
                return _queuedBytes + _writingBytes;
            }
        }
    }

    /// <summary>The number of messages and packets queued and not yet taken by the transport.</summary>
    internal int QueuedCount
    {
        get
        {
            lock (_lock)
            {
                return _pendingCount;
            }
        }
    }

    /// <summary>
    /// Waits until at most half of <see cref="EngineIOOptions.MaxOutgoingBufferSize"/> is waiting (<see cref="BufferedAmount"/>),
    /// so that a producer can send to a slow client at the pace it reads instead of being closed at the bound.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the task is then cancelled).</param>
    /// <returns><see langword="true"/> when there is room; <see langword="false"/> when the session is closed or closes while waiting.</returns>
    public ValueTask<bool> WaitForCapacityAsync(CancellationToken cancellationToken = default)
        => WaitForCapacityAsync(_server.Options.MaxOutgoingBufferSize / 2, cancellationToken);

    /// <summary>
    /// Waits until at most <paramref name="maxBufferedBytes"/> bytes are waiting for this session (<see cref="BufferedAmount"/>).
    /// Completes synchronously, without allocating, when that is already so. The wait ends when the transport finishes a write
    /// (a flushed WebSocket burst, a sent poll response).
    /// </summary>
    /// <param name="maxBufferedBytes">The most bytes that may still wait: 0 up to <see cref="EngineIOOptions.MaxOutgoingBufferSize"/> − 1.</param>
    /// <param name="cancellationToken">Stops waiting (the task is then cancelled).</param>
    /// <returns><see langword="true"/> when there is room; <see langword="false"/> when the session is closed or closes while waiting.</returns>
    public ValueTask<bool> WaitForCapacityAsync(int maxBufferedBytes, CancellationToken cancellationToken = default)
    {
        if ((uint)maxBufferedBytes >= (uint)_server.Options.MaxOutgoingBufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBufferedBytes), maxBufferedBytes,
                $"Must be from 0 to EngineIOOptions.MaxOutgoingBufferSize - 1 ({_server.Options.MaxOutgoingBufferSize - 1}).");
        }

        CapacityWaiter waiter;
        lock (_lock)
        {
            if (_state != EngineIOSessionState.Open || _overflowed)
            {
                return new ValueTask<bool>(false);
            }

            if (_queuedBytes + _writingBytes <= maxBufferedBytes)
            {
                return new ValueTask<bool>(true);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<bool>(cancellationToken);
            }

            waiter = new CapacityWaiter(this, maxBufferedBytes);
            (_capacityWaiters ??= new List<CapacityWaiter>()).Add(waiter);
        }

        waiter.Register(cancellationToken);
        return new ValueTask<bool>(waiter.Task);
    }

    /// <summary>
    /// Closes the session: what is already queued is still written, then the transport is closed. The handler's
    /// <see cref="IEngineIOHandler.OnCloseAsync"/> runs once, with <paramref name="reason"/>.
    /// </summary>
    /// <param name="reason">Why; defaults to <see cref="EngineIOCloseReason.ForcedClose"/>.</param>
    /// <returns>A task that completes once the handler has been told.</returns>
    public ValueTask CloseAsync(EngineIOCloseReason? reason = null)
        => CloseCoreAsync(reason ?? EngineIOCloseReason.ForcedClose, flush: true);

    /// <summary>Returns the session id.</summary>
    /// <returns>The session id.</returns>
    public override string ToString() => Id;

    /// <summary>Sets the transport the session was opened with, before anything is sent.</summary>
    internal void Start(IEngineIOTransport transport, byte[] handshakeJson)
    {
        lock (_lock)
        {
            _transport = transport;
            EnqueueUnderLock(new OutgoingPacket(EngineIOPacketType.Open, handshakeJson, false), handshakeJson.Length + 1);
            WakeAtUnderLock(_nextPingAt);
        }
    }

    /// <summary>
    /// For a transport that writes what is queued (under <see cref="SyncRoot"/>): forgets the queue as <see cref="ClearPendingUnderLock"/>
    /// does, but its bytes keep counting (<see cref="BufferedAmount"/>) until the transport calls <see cref="OnWrittenUnderLock"/> with
    /// the number returned here, once the write completed.
    /// </summary>
    /// <returns>The bytes taken.</returns>
    internal int TakePendingUnderLock(bool release)
    {
        int taken = _queuedBytes;
        ClearPendingUnderLock(release);
        _writingBytes += taken;
        return taken;
    }

    /// <summary>A write of what <see cref="TakePendingUnderLock"/> took completed (or failed): the bytes stop counting, and who waits for room may go on.</summary>
    internal void OnWrittenUnderLock(int bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        _writingBytes = Math.Max(0, _writingBytes - bytes);
        if (_capacityWaiters is { Count: > 0 } waiters)
        {
            int buffered = _queuedBytes + _writingBytes;
            for (int i = waiters.Count - 1; i >= 0; i--)
            {
                if (buffered <= waiters[i].Threshold)
                {
                    CapacityWaiter waiter = waiters[i];
                    waiters.RemoveAt(i);
                    waiter.Complete(true);
                }
            }
        }
    }

    /// <summary>Ends every wait for room with <see langword="false"/> (the session is closed).</summary>
    private void ReleaseCapacityWaiters()
    {
        lock (_lock)
        {
            if (_capacityWaiters is { Count: > 0 } waiters)
            {
                foreach (CapacityWaiter waiter in waiters)
                {
                    waiter.Complete(false);
                }

                waiters.Clear();
            }
        }
    }

    internal void RemoveCapacityWaiterFor(CapacityWaiter waiter)
    {
        lock (_lock)
        {
            _capacityWaiters?.Remove(waiter);
        }
    }

    /// <summary>
    /// Forgets what is queued, returning the queue's array to the pool. With <paramref name="release"/> (written synchronously, or
    /// dropped) each packet's owner is released; without, the caller took the packets and releases each once done with it.
    /// </summary>
    internal void ClearPendingUnderLock(bool release = true)
    {
        OutgoingPacket[]? pending = _pending;
        if (pending is null && _pendingCount == 1)
        {
            if (release)
            {
                _first.Release();
            }

            _first = default;
        }
        else if (pending is not null)
        {
            if (release)
            {
                foreach (OutgoingPacket packet in pending.AsSpan(0, _pendingCount))
                {
                    packet.Release();
                }
            }

            _pending = null;
            ArrayPool<OutgoingPacket>.Shared.Return(pending, clearArray: true);
        }

        _pendingCount = 0;
        _queuedBytes = 0;
    }

    private void EnqueueUnderLock(OutgoingPacket packet, int bytes)
    {
        if (_pendingCount == 0)
        {
            _first = packet;
        }
        else
        {
            if (_pending is null)
            {
                // A second packet: the queue moves to a rented array.
                _pending = ArrayPool<OutgoingPacket>.Shared.Rent(4);
                _pending[0] = _first;
                _first = default;
            }
            else if (_pendingCount == _pending.Length)
            {
                OutgoingPacket[] larger = ArrayPool<OutgoingPacket>.Shared.Rent(_pending.Length * 2);
                _pending.AsSpan(0, _pendingCount).CopyTo(larger);
                ArrayPool<OutgoingPacket>.Shared.Return(_pending, clearArray: true);
                _pending = larger;
            }

            _pending[_pendingCount] = packet;
        }

        _pendingCount++;
        _queuedBytes += bytes;
    }

    internal async ValueTask CloseCoreAsync(EngineIOCloseReason reason, bool flush)
    {
        lock (_lock)
        {
            if (_state != EngineIOSessionState.Open)
            {
                return;
            }

            _state = flush ? EngineIOSessionState.Closing : EngineIOSessionState.Closed;
            if (!flush)
            {
                ClearPendingUnderLock();
            }

            _closingDeadline = Environment.TickCount64 + (_closedByClient ? ClientClosedGraceMilliseconds : ClosingGraceMilliseconds);
            if (flush)
            {
                WakeAtUnderLock(_closingDeadline);
            }

            _transport.WakeUnderLock();
        }

        if (!flush)
        {
            Finish();
        }

        try
        {
            await _server.NotifyClosedAsync(this, reason).ConfigureAwait(false);
        }
        finally
        {
            CancellationTokenSource? closed;
            lock (_lock)
            {
                closed = _closed;
            }

            // After the handler was told: who waited for room sees the session closed, with its reason known above.
            ReleaseCapacityWaiters();
            closed?.Cancel();
        }
    }

    /// <summary>Drops the session without waiting for anything more to be written.</summary>
    internal void Abandon()
    {
        Finish();
        ReleaseCapacityWaiters();
    }

    /// <summary>Removes the session from the server and releases the transport. Idempotent.</summary>
    internal void Finish()
    {
        WebSocketTransport? probe;
        lock (_lock)
        {
            _state = EngineIOSessionState.Closed;
            ClearPendingUnderLock();
            _transport.WakeUnderLock();
            probe = _probe;
            _probe = null;

            // Nothing is due any more: the wheel lets go of the session now rather than at its next deadline.
            if (_wheelAt != long.MaxValue)
            {
                _server.Deadlines.Remove(this, _wheelAt);
                _wheelAt = long.MaxValue;
            }
        }

        _server.Remove(this);

        // The current transport closes itself when woken (a WebSocket sends its close frame; a pending poll is answered).
        probe?.Abort();
    }

    /// <summary>
    /// Makes the server's ticker visit this session at <paramref name="at"/>, or earlier: a deadline later than the one the
    /// session's wheel entry has waits for that visit, which schedules the next.
    /// </summary>
    private void WakeAtUnderLock(long at)
    {
        if (at >= _wheelAt || _state == EngineIOSessionState.Closed)
        {
            return;
        }

        if (_wheelAt == long.MaxValue)
        {
            _server.Deadlines.Add(this, at);
        }
        else
        {
            _server.Deadlines.Move(this, _wheelAt, at);
        }

        _wheelAt = at;
    }

    /// <summary>A write to the WebSocket did not complete at once: the ticker checks its <see cref="EngineIOOptions.SendTimeout"/>.</summary>
    internal void WakeForSendTimeout(long sendStartedAt)
    {
        lock (_lock)
        {
            WakeAtUnderLock(sendStartedAt + (long)_server.Options.SendTimeout.TotalMilliseconds + 1);
        }
    }

    /// <summary>The ticker's visit for the wheel entry due at <paramref name="at"/>; ignored when it is not the live one.</summary>
    internal void OnDeadline(long at, long now)
    {
        lock (_lock)
        {
            if (at != _wheelAt)
            {
                return;
            }

            _wheelAt = long.MaxValue;
        }

        OnTick(now);
    }

    /// <summary>The next time something of this session falls due (under <see cref="SyncRoot"/>).</summary>
    private long NextDeadlineUnderLock(IEngineIOTransport transport, long now)
    {
        if (_state == EngineIOSessionState.Closing)
        {
            return _closingDeadline;
        }

        if (_state != EngineIOSessionState.Open)
        {
            return long.MaxValue;
        }

        long next = _pongDeadline != 0 ? _pongDeadline : _nextPingAt;
        if (_noopDue != 0)
        {
            // While a probe is answered and no GET waits, the noop stays due: looked at again on the next tick.
            next = Math.Min(next, Math.Max(_noopDue, now + 1));
        }

        if (_probe is not null)
        {
            next = Math.Min(next, _upgradeDeadline);
        }

        if (transport is WebSocketTransport { SendStartedAt: > 0 } webSocket)
        {
            next = Math.Min(next, webSocket.SendStartedAt + (long)_server.Options.SendTimeout.TotalMilliseconds + 1);
        }

        return next;
    }

    /// <summary>
    /// Called by the server's single ticker when one of this session's deadlines falls due, and by each polling request on
    /// arrival: sends pings, enforces pong, upgrade, write and closing deadlines, and schedules the next visit.
    /// </summary>
    internal void OnTick(long now)
    {
        bool pingTimedOut = false;
        bool finish = false;
        WebSocketTransport? expiredProbe = null;
        IEngineIOTransport transport;
        lock (_lock)
        {
            transport = _transport;
            if (_state == EngineIOSessionState.Closing)
            {
                finish = now >= _closingDeadline;
            }
            else if (_state == EngineIOSessionState.Open)
            {
                if (_pongDeadline != 0)
                {
                    pingTimedOut = now >= _pongDeadline;
                }
                else if (now >= _nextPingAt)
                {
                    // Measured from when the ping was due, so that a late tick does not lengthen the timeout; but a client
                    // always gets at least nine tenths of pingTimeout after the ping is really sent, however late the server is.
                    long timeout = (long)_server.Options.PingTimeout.TotalMilliseconds;
                    _pongDeadline = Math.Max(_nextPingAt + timeout, now + timeout - (timeout / 10));
                    EnqueueUnderLock(new OutgoingPacket(EngineIOPacketType.Ping, ReadOnlyMemory<byte>.Empty, false), 1);
                    _transport.WakeUnderLock();
                }

                if (_noopDue != 0 && now >= _noopDue && Polling is { IsGetPendingUnderLock: true })
                {
                    // While a probe is answered, a pending poll is released every 100 ms so that the client can pause polling.
                    _noopPending = true;
                    _noopDue = now + NoopIntervalMilliseconds;
                    _transport.WakeUnderLock();
                }

                if (_probe is not null && now >= _upgradeDeadline)
                {
                    expiredProbe = _probe;
                    _probe = null;
                    _noopPending = false;
                    _noopDue = 0;
                    _transport.WakeUnderLock();
                }
            }

            if (!pingTimedOut && !finish)
            {
                WakeAtUnderLock(NextDeadlineUnderLock(transport, now));
            }
        }

        if (expiredProbe is not null)
        {
            EngineIOLog.UpgradeAbandoned(_server.Logger, "upgrade timeout");
            expiredProbe.Abort();
        }

        // A WebSocket write that takes longer than SendTimeout drops the connection (the session then closes with transport error).
        (transport as WebSocketTransport)?.CheckSendTimeout(now);

        if (pingTimedOut)
        {
            _ = CloseCoreAsync(EngineIOCloseReason.PingTimeout, flush: false).AsTask();
        }
        else if (finish)
        {
            Finish();
        }
    }

    /// <summary>
    /// For a polling GET (under <see cref="SyncRoot"/>): takes what the poll must carry into <paramref name="packets"/> (what is
    /// queued, a noop that releases the poll during an upgrade, the close packet of a closing session).
    /// </summary>
    internal PollTake TakeForPollUnderLock(List<OutgoingPacket> packets, out int takenBytes)
    {
        takenBytes = 0;
        if (_transport != Polling)
        {
            // Upgraded while this GET was pending. A client that upgrades pauses polling first, so this GET is answered as any
            // polling request after the upgrade is: 400, everything goes over the WebSocket.
            return PollTake.Upgraded;
        }

        long now = Environment.TickCount64;
        if (_noopDue != 0 && _pendingCount == 0 && now >= _noopDue)
        {
            _noopPending = true;
            _noopDue = now + NoopIntervalMilliseconds;
        }

        // While a probe is answered (the client pausing polling), what is queued still goes to this poll at once, as the
        // official server flushes to any writable transport; the noop only releases a poll that has nothing else.
        if (_pendingCount == 0 && _state == EngineIOSessionState.Open && !_noopPending)
        {
            return PollTake.Wait;
        }

        packets.AddRange(PendingUnderLock);
        takenBytes = TakePendingUnderLock(release: false); // the poll releases them once written
        if (_noopPending && packets.Count == 0)
        {
            packets.Add(new OutgoingPacket(EngineIOPacketType.Noop, ReadOnlyMemory<byte>.Empty, false));
        }

        _noopPending = false;
        if (_state == EngineIOSessionState.Open)
        {
            return PollTake.Packets;
        }

        if (_closedByClient)
        {
            // The client sent a close packet: its pending poll is released with a noop, as the official server does.
            if (packets.Count == 0 || packets[^1].Type != EngineIOPacketType.Noop)
            {
                packets.Add(new OutgoingPacket(EngineIOPacketType.Noop, ReadOnlyMemory<byte>.Empty, false));
            }
        }
        else
        {
            packets.Add(new OutgoingPacket(EngineIOPacketType.Close, ReadOnlyMemory<byte>.Empty, false));
        }

        return PollTake.PacketsThenFinish;
    }

    /// <summary>Starts the upgrade of a polling session to <paramref name="probe"/>; <see langword="false"/> when it cannot be upgraded now.</summary>
    internal bool TryBeginUpgrade(WebSocketTransport probe)
    {
        lock (_lock)
        {
            if (_state != EngineIOSessionState.Open || _probe is not null || _transport != Polling)
            {
                return false;
            }

            _probe = probe;
            _upgradeDeadline = Environment.TickCount64 + (long)_server.Options.UpgradeTimeout.TotalMilliseconds;
            WakeAtUnderLock(_upgradeDeadline);
            return true;
        }
    }

    /// <summary>The probe was answered (<c>3probe</c>).</summary>
    internal void OnProbeAnswered()
    {
        lock (_lock)
        {
            // A pending GET is released with a noop, as the official server does: on its 100 ms check, not at once, so that an
            // upgrade packet right behind the probe completes the upgrade first.
            _noopDue = Environment.TickCount64 + NoopIntervalMilliseconds;
            WakeAtUnderLock(_noopDue);
        }
    }

    /// <summary>The client sent the upgrade packet on <paramref name="probe"/>: it becomes the transport. <see langword="false"/> when too late.</summary>
    internal bool TryCompleteUpgrade(WebSocketTransport probe)
    {
        lock (_lock)
        {
            if (_probe != probe || _state != EngineIOSessionState.Open)
            {
                return false;
            }

            IEngineIOTransport previous = _transport;
            _probe = null;
            _noopPending = false;
            _noopDue = 0;
            _transport = probe;

            // A GET still pending is released; what is queued now goes over the WebSocket.
            previous.WakeUnderLock();
            probe.WakeUnderLock();
        }

        _server.OnUpgraded(this);
        EngineIOLog.Upgraded(_server.Logger, EngineIOProtocol.WebSocketTransport);
        return true;
    }

    /// <summary>The probe failed: the session stays on polling.</summary>
    internal void AbandonUpgrade(WebSocketTransport probe, string detail)
    {
        lock (_lock)
        {
            if (_probe == probe)
            {
                _probe = null;
                _noopPending = false;
                _noopDue = 0;
                _transport.WakeUnderLock();
            }
        }

        EngineIOLog.UpgradeAbandoned(_server.Logger, detail);
        probe.Abort();
    }

    private void OnPong()
    {
        lock (_lock)
        {
            // An unsolicited pong is ignored: a pong flood must not reschedule anything (CVE-2026-48802).
            if (_pongDeadline == 0)
            {
                return;
            }

            _pongDeadline = 0;
            _nextPingAt = Environment.TickCount64 + (long)_server.Options.PingInterval.TotalMilliseconds;
            WakeAtUnderLock(_nextPingAt); // sooner than the pong deadline when pingInterval < pingTimeout
        }
    }

    /// <summary>Dispatches one packet received on any transport, one at a time per session.</summary>
    /// <returns><see langword="false"/> when the session was closed by this packet.</returns>
    internal async ValueTask<bool> DispatchAsync(EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
    {
        if (isBinary)
        {
            return await InvokeHandlerAsync(data, isBinary: true).ConfigureAwait(false);
        }

        switch (type)
        {
            case EngineIOPacketType.Message:
                return await InvokeHandlerAsync(data, isBinary: false).ConfigureAwait(false);
            case EngineIOPacketType.Pong:
                OnPong();
                return true;
            case EngineIOPacketType.Close:
                bool releasePoll;
                lock (_lock)
                {
                    releasePoll = _transport == Polling && Polling!.IsGetPendingUnderLock;
                    _closedByClient = releasePoll;
                }

                // As the official server: over polling, a pending poll is released with a noop; without one the session is gone at
                // once, and the next poll is answered "Session ID unknown".
                await CloseCoreAsync(EngineIOCloseReason.TransportClose, flush: releasePoll).ConfigureAwait(false);
                return false;
            case EngineIOPacketType.Ping:
                // In v4 only the server pings (the official server answers "invalid heartbeat direction").
                await CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, "invalid heartbeat direction"), flush: false).ConfigureAwait(false);
                return false;
            default:
                // Open, upgrade (outside an upgrade) and noop packets from a client carry nothing; the official server ignores them.
                return true;
        }
    }

    private async ValueTask<bool> InvokeHandlerAsync(ReadOnlyMemory<byte> data, bool isBinary)
    {
        if (_inbound is not null)
        {
            await _inbound.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            if (_state != EngineIOSessionState.Open)
            {
                return false;
            }

            if (isBinary)
            {
                await _server.Handler.OnBinaryAsync(this, data).ConfigureAwait(false);
            }
            else
            {
                await _server.Handler.OnTextAsync(this, data).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception ex)
        {
            EngineIOLog.HandlerFailed(_server.Logger, ex);
            await CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, "the handler failed"), flush: false).ConfigureAwait(false);
            return false;
        }
        finally
        {
            _inbound?.Release();
        }
    }

    /// <summary>A packet broke the protocol: the session closes with <c>parse error</c>.</summary>
    internal ValueTask FailAsync(string detail)
    {
        EngineIOLog.ProtocolViolation(_server.Logger, detail);
        return CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.ParseError.Reason, detail), flush: false);
    }

    /// <summary>As <see cref="FailAsync"/> for a misuse of the transport rather than a bad packet: closes with <c>transport error</c>.</summary>
    internal ValueTask FailTransportAsync(string detail)
    {
        EngineIOLog.ProtocolViolation(_server.Logger, detail);
        return CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, detail), flush: false);
    }
}

/// <summary>The life of a session.</summary>
internal enum EngineIOSessionState
{
    /// <summary>Messages can be sent.</summary>
    Open,

    /// <summary>Closed by the server: what is queued is still written, then the close.</summary>
    Closing,

    /// <summary>Gone for good.</summary>
    Closed,
}

/// <summary>What a polling GET got from <see cref="EngineIOConnection.TakeForPollUnderLock"/>.</summary>
internal enum PollTake
{
    /// <summary>Nothing to send yet: wait.</summary>
    Wait,

    /// <summary>Packets to send.</summary>
    Packets,

    /// <summary>The last packets: after them the session is finished.</summary>
    PacketsThenFinish,

    /// <summary>The session was upgraded: the poll is refused.</summary>
    Upgraded,
}

/// <summary>One wait for room in a session's outbound queue (<see cref="EngineIOConnection.WaitForCapacityAsync(int, CancellationToken)"/>).</summary>
internal sealed class CapacityWaiter : TaskCompletionSource<bool>
{
    private readonly EngineIOConnection _session;
    private CancellationTokenRegistration _registration;

    public CapacityWaiter(EngineIOConnection session, int threshold)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _session = session;
        Threshold = threshold;
    }

    /// <summary>The most bytes that may wait for the wait to end.</summary>
    public int Threshold { get; }

    public void Register(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        _registration = cancellationToken.UnsafeRegister(static (state, token) => ((CapacityWaiter)state!).Cancel(token), this);
        if (Task.IsCompleted)
        {
            _registration.Unregister();
        }
    }

    /// <summary>Under the session's lock (continuations run asynchronously, so nothing runs here).</summary>
    public void Complete(bool open)
    {
        // Unregister, not Dispose: Dispose would wait for a running Cancel, which waits for the session's lock held here.
        _registration.Unregister();
        TrySetResult(open);
    }

    private void Cancel(CancellationToken token)
    {
        _session.RemoveCapacityWaiterFor(this);
        TrySetCanceled(token);
    }
}
