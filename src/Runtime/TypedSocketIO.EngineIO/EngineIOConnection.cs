using System.Net.WebSockets;
using TypedSocketIO.EngineIO.Internal;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// One Engine.IO session: a client known by its <see cref="Id"/>, over HTTP long-polling or WebSocket, that survives the
/// polling→WebSocket upgrade. Sending is thread-safe and never blocks: messages are queued and written by the transport.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token source has no timer and the semaphore's wait handle is never created: neither holds anything to release.")]
public sealed partial class EngineIOConnection
{
    private readonly EngineIOServer _server;
    private readonly object _lock = new();
    private readonly Queue<OutgoingPacket> _queue = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _inbound = new(1, 1);
    private int _queuedBytes;
    private TaskCompletionSource? _signal;
    private ConnectionState _state = ConnectionState.Open;
    private string _transport;

    // Heartbeat, read and written under _lock by the server's single ticker.
    private long _nextPingAt;
    private long _pongDeadline;

    internal EngineIOConnection(EngineIOServer server, string id, EngineIOHandshake handshake, string transport)
    {
        _server = server;
        Id = id;
        Handshake = handshake;
        _transport = transport;
        _nextPingAt = Environment.TickCount64 + (long)server.Options.PingInterval.TotalMilliseconds;
    }

    private enum ConnectionState
    {
        Open,
        Closing,
        Closed,
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
                return _transport;
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
                return _state == ConnectionState.Open;
            }
        }
    }

    /// <summary>Whether the session is gone for good (not even flushing its last messages).</summary>
    internal bool IsFinished
    {
        get
        {
            lock (_lock)
            {
                return _state == ConnectionState.Closed;
            }
        }
    }

    /// <summary>Cancelled when the session closes.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>A slot for the handler's per-connection state (Socket.IO keeps its client object here).</summary>
    public object? State { get; set; }

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
    public bool TrySend(ReadOnlySpan<EngineIOMessage> messages, bool isVolatile = false)
    {
        int bytes = 0;
        foreach (EngineIOMessage message in messages)
        {
            bytes += message.Data.Length + 1;
        }

        bool overflow;
        lock (_lock)
        {
            if (_state != ConnectionState.Open)
            {
                return false;
            }

            if (isVolatile && !IsWritableUnderLock())
            {
                return false;
            }

            overflow = _queuedBytes + bytes > _server.Options.MaxOutgoingBufferSize;
            if (!overflow)
            {
                foreach (EngineIOMessage message in messages)
                {
                    _queue.Enqueue(new OutgoingPacket(EngineIOPacketType.Message, message.Data, message.IsBinary));
                }

                _queuedBytes += bytes;
                SignalUnderLock();
            }
        }

        if (overflow)
        {
            _ = CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason,
                $"more than EngineIOOptions.MaxOutgoingBufferSize ({_server.Options.MaxOutgoingBufferSize} bytes) waiting to be sent"), flush: false).AsTask();
        }

        return !overflow;
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

    internal async ValueTask CloseCoreAsync(EngineIOCloseReason reason, bool flush)
    {
        lock (_lock)
        {
            if (_state != ConnectionState.Open)
            {
                return;
            }

            _state = flush ? ConnectionState.Closing : ConnectionState.Closed;
            if (!flush)
            {
                _queue.Clear();
                _queuedBytes = 0;
            }

            _closingDeadline = Environment.TickCount64 + (_closedByClient ? ClientClosedGraceMilliseconds : ClosingGraceMilliseconds);
            SignalUnderLock();
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
            _closed.Cancel();
        }
    }

    /// <summary>How long a session closed by the server waits for a poll to deliver its last packets and the close packet.</summary>
    private const long ClosingGraceMilliseconds = 10_000;

    /// <summary>How long a polling session closed by the client waits for the poll that its close packet releases.</summary>
    private const long ClientClosedGraceMilliseconds = 1_000;
    private bool _closedByClient;
    private long _closingDeadline;

    internal void EnqueueOpenPacket(byte[] handshakeJson)
    {
        lock (_lock)
        {
            _queue.Enqueue(new OutgoingPacket(EngineIOPacketType.Open, handshakeJson, false));
            _queuedBytes += handshakeJson.Length + 1;
        }
    }

    /// <summary>Drops the session without waiting for anything more to be written.</summary>
    internal void Abandon() => Finish();

    /// <summary>Removes the session from the server and releases the transport. Idempotent.</summary>
    private void Finish()
    {
        WebSocket? probe;
        lock (_lock)
        {
            _state = ConnectionState.Closed;
            _queue.Clear();
            _queuedBytes = 0;
            SignalUnderLock();
            probe = _probeSocket;
            _probeSocket = null;
        }

        _server.Remove(this);

        // The main WebSocket is closed by its writer loop, which owns sending on it.
        probe?.Abort();
    }

    /// <summary>Called by the server's single ticker: sends pings, enforces pong, upgrade and closing deadlines.</summary>
    internal void OnTick(long now)
    {
        bool pingTimedOut = false;
        bool finish = false;
        WebSocket? expiredProbe = null;
        lock (_lock)
        {
            if (_state == ConnectionState.Closing)
            {
                finish = now >= _closingDeadline;
            }
            else if (_state == ConnectionState.Open)
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
                    _queue.Enqueue(new OutgoingPacket(EngineIOPacketType.Ping, ReadOnlyMemory<byte>.Empty, false));
                    _queuedBytes += 1;
                    SignalUnderLock();
                }

                if (_noopDue != 0 && now >= _noopDue && _getPending)
                {
                    // While a probe is answered, a pending poll is released every 100 ms so that the client can pause polling.
                    _noopPending = true;
                    _noopDue = now + NoopIntervalMilliseconds;
                    SignalUnderLock();
                }

                if (_probeSocket is not null && now >= _upgradeDeadline)
                {
                    expiredProbe = _probeSocket;
                    _probeSocket = null;
                    _upgrading = false;
                    _noopPending = false;
                    _noopDue = 0;
                    SignalUnderLock();
                }
            }
        }

        if (expiredProbe is not null)
        {
            EngineIOLog.UpgradeAbandoned(_server.Logger, "upgrade timeout");
            expiredProbe.Abort();
        }

        if (pingTimedOut)
        {
            _ = CloseCoreAsync(EngineIOCloseReason.PingTimeout, flush: false).AsTask();
        }
        else if (finish)
        {
            Finish();
        }
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
        }
    }

    private void SignalUnderLock()
    {
        TaskCompletionSource? signal = _signal;
        _signal = null;
        signal?.TrySetResult();
    }

    private bool IsWritableUnderLock()
        => _transport == EngineIOProtocol.WebSocketTransport ? _queue.Count == 0 && !_upgrading : _getPending && _queue.Count == 0;

    /// <summary>Dispatches one packet received on any transport, one at a time per session.</summary>
    /// <returns><see langword="false"/> when the session was closed by this packet.</returns>
    private async ValueTask<bool> DispatchAsync(EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
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
                    releasePoll = _transport == EngineIOProtocol.PollingTransport && _getPending;
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
        await _inbound.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_state != ConnectionState.Open)
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
            _inbound.Release();
        }
    }

    private ValueTask FailAsync(string detail)
    {
        EngineIOLog.ProtocolViolation(_server.Logger, detail);
        return CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.ParseError.Reason, detail), flush: false);
    }

    private readonly record struct OutgoingPacket(EngineIOPacketType Type, ReadOnlyMemory<byte> Data, bool IsBinary);
}
