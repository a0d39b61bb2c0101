using System.Net.WebSockets;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace TypedSocketIO.EngineIO.Internal.Transports;

/// <summary>
/// What both WebSocket transports share: the probe of an upgrade (<c>2probe</c>/<c>3probe</c>, then <c>5</c>), the read loop
/// that hands packets to the session, and the writer. There is no writer task per socket: when the session queues something,
/// one work item is scheduled on the thread pool; it writes everything queued (one burst), flushes, and ends when the queue is
/// empty. When the session is closed, it writes what is left, the close frame, and finishes the session.
/// </summary>
/// <remarks>
/// What a handler queues to its own socket while the read loop runs it synchronously (an acknowledgement, an answer to the
/// sender) is not handed to the thread pool: the read loop writes it itself once the handler returns or first awaits, so a
/// request and its answer cost no thread hop. Packets for other sockets (a broadcast) still go through each one's thread-pool
/// writer: while it waits for its turn, the packets of the next broadcasts join the same burst and flush.
/// </remarks>
internal abstract class WebSocketTransport : IEngineIOTransport, IThreadPoolWorkItem
{
    private static readonly byte[] ProbeData = "probe"u8.ToArray();

    /// <summary>How long the peer has to answer our close frame before the connection is dropped.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    // The transport whose read loop is running a handler synchronously on this thread: its wakes are deferred to the loop.
    [ThreadStatic]
    private static WebSocketTransport? t_dispatching;

    // Under the session's lock.
    private bool _writing;
    private bool _wakeDeferred;
    private bool _writerDone;
    private TaskCompletionSource? _writerDoneSignal;

    // The bytes of the last burst taken: they count against the session's outgoing bound until the burst is written, and are
    // retired at the next take (the writer takes again after every burst), so that a client that stops reading is cut at the
    // bound and who waits for room is woken when the socket really took the bytes.
    private int _burstBytes;

    // When the write in progress started (0: none), for the ticker's SendTimeout check.
    private long _sendStartedAt;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;

    protected WebSocketTransport(EngineIOConnection session) => Session = session;

    public string Name => EngineIOProtocol.WebSocketTransport;

    /// <summary>A WebSocket takes a message at any time; what is queued leaves in the next burst.</summary>
    public bool IsWritableUnderLock => true;

    protected EngineIOConnection Session { get; }

    /// <summary>Under the session's lock: what this transport must write now (nothing unless it is the session's transport).</summary>
    protected ReadOnlySpan<OutgoingPacket> PendingUnderLock => Session.TransportUnderLock == this ? Session.PendingUnderLock : default;

    /// <summary>The transport for an accepted WebSocket: the lean one for a socket on a Kestrel connection's pipes.</summary>
    public static WebSocketTransport Create(EngineIOConnection session, WebSocket socket)
        => socket is PipeWebSocket pipe ? new KestrelWebSocketTransport(session, pipe) : new AspNetCoreWebSocketTransport(session, socket);

    public void WakeUnderLock()
    {
        if (_writing)
        {
            return;
        }

        if (t_dispatching == this)
        {
            // The read loop writes it when the handler returns or awaits (see the remarks).
            _wakeDeferred = true;
            return;
        }

        _writing = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _ = WriteAsync();

    /// <summary>
    /// After the synchronous part of a handler: when it queued something to this socket and no writer runs, the writer runs
    /// here, on the read loop's thread, synchronously until a flush has to wait.
    /// </summary>
    private void RunDeferredWriter()
    {
        lock (Session.SyncRoot)
        {
            if (!_wakeDeferred)
            {
                return;
            }

            _wakeDeferred = false;
            if (_writing)
            {
                return;
            }

            _writing = true;
        }

        _ = WriteAsync();
    }

    public abstract void Abort();

    /// <summary>When the write in progress started (<see cref="Environment.TickCount64"/>), or 0 when none is.</summary>
    internal long SendStartedAt => Volatile.Read(ref _sendStartedAt);

    /// <summary>Drops the connection when a write has been pending longer than <see cref="EngineIOOptions.SendTimeout"/>.</summary>
    internal void CheckSendTimeout(long now)
    {
        long started = Volatile.Read(ref _sendStartedAt);
        if (started != 0 && now - started > (long)Session.Server.Options.SendTimeout.TotalMilliseconds
            && Interlocked.CompareExchange(ref _sendStartedAt, 0, started) == started)
        {
            string detail = $"a WebSocket write took longer than EngineIOOptions.SendTimeout ({Session.Server.Options.SendTimeout})";
            EngineIOLog.ProtocolViolation(Session.Server.Logger, detail);

            // The session closes first, with the reason, so that its handler learns why (the aborted write alone says transport error).
            _ = Session.CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, detail), flush: false).AsTask();
            Abort();
        }
    }

    /// <summary>
    /// Runs the socket until it closes: for an upgrade, the probe first (the session stays on polling if it fails); then every
    /// message read is handed to the session, one at a time.
    /// </summary>
    public async Task RunAsync(bool upgrade)
    {
        if (upgrade)
        {
            if (!await ProbeAsync().ConfigureAwait(false))
            {
                DisposeReceiver();
                return;
            }
        }
        else
        {
            lock (Session.SyncRoot)
            {
                // The open packet (and what the handler queued when told of the session) goes out.
                WakeUnderLock();
            }
        }

        EngineIOCloseReason reason = EngineIOCloseReason.TransportClose;
        try
        {
            while (true)
            {
                WebSocketMessage message = await ReceiveAsync().ConfigureAwait(false);
                if (message.IsClose)
                {
                    break;
                }

                ValueTask<bool> dispatch;
                WebSocketTransport? outer = t_dispatching; // another read loop's handler may have run this one inline
                t_dispatching = this;
                try
                {
                    if (message.IsBinary)
                    {
                        dispatch = Session.DispatchAsync(EngineIOPacketType.Message, message.Data, isBinary: true);
                    }
                    else
                    {
                        EngineIOPayloadPacket packet = EngineIOPayload.ParsePacket(message.Data);
                        dispatch = packet.IsBase64Binary
                            // A text frame "b<base64>" is binary (the official client sends it when forced to base64).
                            ? Session.DispatchAsync(EngineIOPacketType.Message, EngineIOPayload.DecodeBase64(packet.Data.Span), isBinary: true)
                            : Session.DispatchAsync(packet.Type, packet.Data, isBinary: false);
                    }
                }
                finally
                {
                    t_dispatching = outer;
                }

                // What the handler queued to this socket so far leaves now, before anything is awaited.
                RunDeferredWriter();
                bool open = await dispatch.ConfigureAwait(false);
                ReleaseReceived();
                if (!open)
                {
                    break;
                }
            }
        }
        catch (EngineIOProtocolException ex)
        {
            EngineIOLog.ProtocolViolation(Session.Server.Logger, ex.Message);
            reason = new EngineIOCloseReason(EngineIOCloseReason.ParseError.Reason, ex.Message);
        }
        catch (EngineIOLimitExceededException ex)
        {
            EngineIOLog.ProtocolViolation(Session.Server.Logger, ex.Message);
            reason = new EngineIOCloseReason(EngineIOCloseReason.TransportError.Reason, ex.Message);
            _closeStatus = WebSocketCloseStatus.MessageTooBig;
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            reason = EngineIOCloseReason.TransportClose;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            EngineIOLog.TransportFailed(Session.Server.Logger, ex);
            reason = EngineIOCloseReason.TransportError;
        }
        finally
        {
            DisposeReceiver();
        }

        await Session.CloseCoreAsync(reason, flush: false).ConfigureAwait(false);

        // The writer sends the close frame; the socket is not released before.
        Task writerDone;
        lock (Session.SyncRoot)
        {
            if (_writerDone)
            {
                return;
            }

            WakeUnderLock();
            _writerDoneSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            writerDone = _writerDoneSignal.Task;
        }

        await writerDone.ConfigureAwait(false);
    }

    /// <summary>The probe of an upgrade: <c>2probe</c> is answered <c>3probe</c>, until <c>5</c> makes this the session's transport.</summary>
    private async Task<bool> ProbeAsync()
    {
        try
        {
            while (true)
            {
                WebSocketMessage message = await ReceiveAsync().ConfigureAwait(false);
                if (message.IsClose || message.IsBinary)
                {
                    Session.AbandonUpgrade(this, message.IsClose ? "the client closed the probe" : "binary data during the probe");
                    return false;
                }

                EngineIOPayloadPacket packet = EngineIOPayload.ParsePacket(message.Data);
                if (packet.Type == EngineIOPacketType.Ping && packet.Data.Span.SequenceEqual(ProbeData))
                {
                    ReleaseReceived();
                    await SendProbeAnswerAsync(ProbeData).ConfigureAwait(false);
                    Session.OnProbeAnswered();
                }
                else if (packet.Type == EngineIOPacketType.Upgrade)
                {
                    ReleaseReceived();
                    if (!Session.TryCompleteUpgrade(this))
                    {
                        Abort();
                        return false;
                    }

                    return true;
                }
                else
                {
                    Session.AbandonUpgrade(this, "unexpected packet during the probe");
                    return false;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or EngineIOProtocolException or EngineIOLimitExceededException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Session.AbandonUpgrade(this, ex.Message);
            return false;
        }
    }

    /// <summary>The writer: bursts until the queue is empty; when the session is closed, the close frame.</summary>
    private async Task WriteAsync()
    {
        try
        {
            while (true)
            {
                if (await WriteQueuedAsync().ConfigureAwait(false))
                {
                    continue;
                }

                lock (Session.SyncRoot)
                {
                    if (!PendingUnderLock.IsEmpty)
                    {
                        continue;
                    }

                    if (Session.StateUnderLock == EngineIOSessionState.Open || Session.TransportUnderLock != this)
                    {
                        _writing = false;
                        return;
                    }
                }

                break;
            }

            // The peer answers our close frame; if it does not within a moment, the connection is dropped.
            _ = Task.Delay(CloseTimeout).ContinueWith(static (_, s) => ((WebSocketTransport)s!).Abort(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await CloseOutputAsync(_closeStatus).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            Abort();
            await Session.CloseCoreAsync(EngineIOCloseReason.TransportError, flush: false).ConfigureAwait(false);
            SetWriterDone();
            return;
        }

        Session.Finish();
        SetWriterDone();
    }

    private void SetWriterDone()
    {
        TaskCompletionSource? signal;
        lock (Session.SyncRoot)
        {
            _writerDone = true;
            signal = _writerDoneSignal;
        }

        signal?.TrySetResult();
    }

    /// <summary>
    /// Under the session's lock, before looking at what is queued: the previous burst (if any) was written, its bytes stop counting.
    /// </summary>
    protected void RetireBurstUnderLock()
    {
        if (_burstBytes != 0)
        {
            Session.OnWrittenUnderLock(_burstBytes);
            _burstBytes = 0;
        }
    }

    /// <summary>Under the session's lock: takes what is queued as the next burst (see <see cref="EngineIOConnection.TakePendingUnderLock"/>).</summary>
    protected void TakeBurstUnderLock(bool release) => _burstBytes = Session.TakePendingUnderLock(release);

    /// <summary>Marks the start of a write to the socket (the ticker drops the connection when it outlasts SendTimeout).</summary>
    protected void OnSendStarted() => Volatile.Write(ref _sendStartedAt, Math.Max(Environment.TickCount64, 1));

    /// <summary>Marks the end of a write.</summary>
    protected void OnSendCompleted() => Volatile.Write(ref _sendStartedAt, 0);

    /// <summary>The write started by <see cref="OnSendStarted"/> did not complete at once: the ticker is to check its send timeout.</summary>
    protected void OnSendPending()
    {
        long started = Volatile.Read(ref _sendStartedAt);
        if (started != 0)
        {
            Session.WakeForSendTimeout(started);
        }
    }

    /// <summary>Receives the next whole message; its data is valid until <see cref="ReleaseReceived"/> or the next receive.</summary>
    protected abstract ValueTask<WebSocketMessage> ReceiveAsync();

    /// <summary>The last message received was handled: its buffer can go.</summary>
    protected abstract void ReleaseReceived();

    /// <summary>No more receiving.</summary>
    protected abstract void DisposeReceiver();

    /// <summary>Takes what is queued (<see cref="PendingUnderLock"/>) and writes it as frames; <see langword="false"/> when nothing was queued.</summary>
    protected abstract ValueTask<bool> WriteQueuedAsync();

    /// <summary>Sends <c>3probe</c> on a socket that is not yet the session's transport.</summary>
    protected abstract ValueTask SendProbeAnswerAsync(byte[] probe);

    /// <summary>Sends the close frame.</summary>
    protected abstract Task CloseOutputAsync(WebSocketCloseStatus status);
}
