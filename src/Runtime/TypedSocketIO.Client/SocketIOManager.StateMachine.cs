using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client;

/// <content>The manager's state machine: the connection's states, the one place they change, and the reconnection.</content>
public sealed partial class SocketIOManager
{
    /// <summary>
    /// The states of the manager: the JavaScript manager's <c>_readyState</c> (<c>closed</c>, <c>opening</c>, <c>open</c>)
    /// crossed with its <c>_reconnecting</c> flag, as one value. They change in <see cref="TransitionLocked"/> only.
    /// </summary>
    /// <remarks>
    /// <code>
    /// Closed ──a socket connects──▶ Opening ──handshake done──▶ Open ──connection lost──▶ WaitingToReconnect
    ///   ▲                              │                         │                         │        ▲
    ///   │                              └──failed (retried)───────┼────────────────────────▶│        │
    ///   │                                                        │         back-off elapsed▼        │ failed
    ///   │                                                        ◀──────handshake done── Reconnecting
    ///   └── closed on purpose (no socket active), reconnection off, attempts run out: from any state
    /// </code>
    /// </remarks>
    private enum ManagerState
    {
        /// <summary>No connection and none coming: none was asked for, the last socket left, or the reconnection gave up.</summary>
        Closed,

        /// <summary>The first Engine.IO handshake is in progress, bounded by <see cref="SocketIOClientOptions.ConnectTimeout"/>.</summary>
        Opening,

        /// <summary>The Engine.IO connection is open; each active socket has sent (or is sending) its CONNECT.</summary>
        Open,

        /// <summary>The back-off delay before the next reconnection attempt is running.</summary>
        WaitingToReconnect,

        /// <summary>A reconnection attempt's handshake is in progress, bounded by <see cref="SocketIOClientOptions.ConnectTimeout"/>.</summary>
        Reconnecting,
    }

    /// <summary>
    /// The one place where the manager's state changes, with what each edge does: leaving <see cref="ManagerState.Open"/>
    /// tells every socket the connection ended (with <paramref name="reason"/>); leaving
    /// <see cref="ManagerState.WaitingToReconnect"/> otherwise than by its timer cancels the timer; entering
    /// <see cref="ManagerState.Open"/> from <see cref="ManagerState.Reconnecting"/> raises <see cref="Reconnected"/>, and
    /// entering it at all makes each active socket send its CONNECT; entering <see cref="ManagerState.Closed"/> or
    /// <see cref="ManagerState.Open"/> starts the back-off again. Starting and dropping the Engine.IO session is the
    /// callers' part. Under <see cref="Gate"/>.
    /// </summary>
    /// <param name="to">The new state.</param>
    /// <param name="reason">Why <see cref="ManagerState.Open"/> is left: the reason the sockets see in their <c>Disconnected</c>.</param>
    /// <exception cref="InvalidOperationException">The edge does not exist (a bug of the client, never the server's doing).</exception>
    private void TransitionLocked(ManagerState to, string? reason = null)
    {
        ManagerState from = _state;
        bool exists = (from, to) switch
        {
            (ManagerState.Closed, ManagerState.Opening) => true,
            (ManagerState.WaitingToReconnect, ManagerState.Reconnecting) => true,
            (ManagerState.Opening or ManagerState.Reconnecting, ManagerState.Open) => true,
            (ManagerState.Opening or ManagerState.Reconnecting or ManagerState.Open, ManagerState.WaitingToReconnect) => true,
            (not ManagerState.Closed, ManagerState.Closed) => true,
            _ => false,
        };
        if (!exists)
        {
            throw new InvalidOperationException($"The manager of {ServerUri} cannot go from {from} to {to}.");
        }

        _state = to;
        if (from == ManagerState.WaitingToReconnect && _reconnectTimer is { } timer)
        {
            _reconnectTimer = null;
            timer.Cancel();
            timer.Dispose();
        }

        if (from == ManagerState.Open)
        {
            foreach (SocketIOClient client in _clients.Values)
            {
                client.OnEngineClosedLocked(reason ?? "forced close");
            }
        }

        switch (to)
        {
            case ManagerState.Open:
                if (from == ManagerState.Reconnecting)
                {
                    int attempts = _backoff.Attempts;
                    SocketIOClientLog.Reconnected(Logger, attempts);
                    RaiseLocked(() => Reconnected?.Invoke(attempts));
                }

                _backoff.Reset();
                foreach (SocketIOClient client in _clients.Values)
                {
                    if (client.IsActiveLocked)
                    {
                        client.OnEngineOpenLocked();
                    }
                }

                break;
            case ManagerState.Closed:
                _backoff.Reset();
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// A client asks to connect (JS <c>socket.connect()</c>): open the connection when closed, or send the client's CONNECT
    /// at once if it is open and the client was not active yet. While opening or waiting to reconnect, the client's CONNECT
    /// goes with the next open. After the reconnection gave up (<see cref="ReconnectFailed"/>) the state is closed, so
    /// this starts a fresh attempt.
    /// </summary>
    internal void ActivateLocked(SocketIOClient client, bool newlyActive)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state == ManagerState.Open)
        {
            if (newlyActive)
            {
                client.OnEngineOpenLocked();
            }
        }
        else if (_state == ManagerState.Closed)
        {
            TransitionLocked(ManagerState.Opening);
            StartEngineLocked();
        }
    }

    /// <summary>A client is no longer active: close the connection when it was the last one (JS <c>_destroy</c>).</summary>
    internal void DeactivatedLocked()
    {
        foreach (SocketIOClient client in _clients.Values)
        {
            if (client.IsActiveLocked)
            {
                return;
            }
        }

        _ = CloseLocked();
    }

    /// <summary>Starts the Engine.IO session of an attempt (in <see cref="ManagerState.Opening"/> or <see cref="ManagerState.Reconnecting"/>).</summary>
    private void StartEngineLocked()
    {
        _closeReasonOverride = null;
        _decoder.Reset();
        var handler = new EngineHandler(this);
        IEngineConnection engine;
        try
        {
            // The official client's rememberUpgrade: after a WebSocket connection, the next one goes straight to WebSocket.
            SocketIOClientTransports transports = Options.RememberUpgrade && _priorWebSocketSuccess
                && (Options.Transports & SocketIOClientTransports.WebSocket) != 0
                ? SocketIOClientTransports.WebSocket
                : Options.Transports;
            engine = _factory(ServerUri, Options, transports, handler, Logger);
        }
        catch (Exception e)
        {
            OnOpenFailedLocked(e);
            return;
        }

        _handler = handler;
        _engine = engine;
        SocketIOClientLog.Opening(Logger, ServerUri);
        _ = OpenEngineAsync(engine, handler);
    }

    private async Task OpenEngineAsync(IEngineConnection engine, EngineHandler handler)
    {
        Exception? error = null;
        try
        {
            using var timeout = new CancellationTokenSource(Options.ConnectTimeout);
            await engine.OpenAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            // The one connect timer (the official client's "timeout", whose error message is "timeout").
            error = new TimeoutException("timeout", e);
        }
#pragma warning disable CA1031 // Every failure of an attempt is reported (connect_error, ReconnectError), none thrown here.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        bool disposeEngine = false;
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                // Closed on purpose meanwhile, or the session closed before this continuation ran (OnEngineClose).
                disposeEngine = true;
            }
            else if (error is not null)
            {
                DropEngineLocked();
                disposeEngine = true;
                OnOpenFailedLocked(error);
            }
            else
            {
                _priorWebSocketSuccess = engine.Transport == EngineIOProtocol.WebSocketTransport;
                TransitionLocked(ManagerState.Open);
            }
        }

        if (disposeEngine)
        {
            await CloseQuietlyAsync(engine).ConfigureAwait(false);
        }
    }

    /// <summary>An attempt failed (in <see cref="ManagerState.Opening"/> or <see cref="ManagerState.Reconnecting"/>): report it, then retry or stop.</summary>
    private void OnOpenFailedLocked(Exception error)
    {
        SocketIOClientLog.OpenFailed(Logger, ServerUri, error);
        _priorWebSocketSuccess = false;
        bool reconnecting = _state == ManagerState.Reconnecting;
        bool willRetry = Options.Reconnection && !_disposed && _backoff.Attempts < Options.ReconnectionAttempts;
        foreach (SocketIOClient client in _clients.Values)
        {
            if (client.IsActiveLocked)
            {
                client.OnOpenFailedLocked(error, willRetry);
            }
        }

        if (reconnecting)
        {
            // The JavaScript manager's order: the next attempt is scheduled (or reconnect_failed raised) before
            // reconnect_error, so the last failed attempt reads connect_error, reconnect_failed, reconnect_error.
            ReconnectOrGiveUpLocked();
            RaiseLocked(() => ReconnectError?.Invoke(error));
        }
        else if (Options.Reconnection && _backoff.Attempts == 0)
        {
            // As the JavaScript client: a failed first connection is retried with back-off too.
            ReconnectOrGiveUpLocked();
        }
        else
        {
            TransitionLocked(ManagerState.Closed);
        }
    }

    /// <summary>
    /// After a lost connection or a failed attempt (JS <c>reconnect</c>): wait the next back-off delay
    /// (<see cref="ManagerState.WaitingToReconnect"/>), or give up (<see cref="ReconnectFailed"/>) when the attempts ran
    /// out, or just close when reconnection is off or the manager is disposed.
    /// </summary>
    /// <param name="reason">When the connection was open, why it ended (the sockets' <c>Disconnected</c> reason).</param>
    private void ReconnectOrGiveUpLocked(string? reason = null)
    {
        if (_disposed || !Options.Reconnection)
        {
            TransitionLocked(ManagerState.Closed, reason);
            return;
        }

        if (_backoff.Attempts >= Options.ReconnectionAttempts)
        {
            SocketIOClientLog.ReconnectFailed(Logger, _backoff.Attempts);
            TransitionLocked(ManagerState.Closed, reason);
            foreach (SocketIOClient client in _clients.Values)
            {
                if (client.IsActiveLocked)
                {
                    client.OnReconnectFailedLocked();
                }
            }

            RaiseLocked(() => ReconnectFailed?.Invoke());
            return;
        }

        TimeSpan delay = _backoff.Next();
        int attempt = _backoff.Attempts;
        TransitionLocked(ManagerState.WaitingToReconnect, reason);
        SocketIOClientLog.ReconnectScheduled(Logger, attempt, delay.TotalMilliseconds);
        var timer = new CancellationTokenSource();
        _reconnectTimer = timer;
        _ = DelayThenReconnectAsync(delay, attempt, timer);
    }

    private async Task DelayThenReconnectAsync(TimeSpan delay, int attempt, CancellationTokenSource timer)
    {
        try
        {
            await Task.Delay(delay, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (Gate)
        {
            if (!ReferenceEquals(_reconnectTimer, timer))
            {
                return;
            }

            _reconnectTimer = null;
            timer.Dispose();
            if (_disposed)
            {
                TransitionLocked(ManagerState.Closed);
                return;
            }

            RaiseLocked(() => ReconnectAttempt?.Invoke(attempt));
            TransitionLocked(ManagerState.Reconnecting);
            StartEngineLocked();
        }
    }

    /// <summary>
    /// Closes the connection on purpose (JS <c>_close</c>): no reconnection follows. The session's handler and the
    /// reconnection timer are dropped, so their late callbacks are ignored (what the JavaScript <c>skipReconnect</c> does).
    /// </summary>
    /// <returns>The closing of the session there was, or <see langword="null"/>.</returns>
    private Task? CloseLocked()
    {
        IEngineConnection? engine = DropEngineLocked();
        if (_state != ManagerState.Closed)
        {
            TransitionLocked(ManagerState.Closed, "forced close");
        }

        _decoder.Reset();
        return engine is null ? null : CloseQuietlyAsync(engine);
    }

    /// <summary>Forgets the current session and its handler (whose later callbacks are then ignored).</summary>
    /// <returns>The session there was.</returns>
    private IEngineConnection? DropEngineLocked()
    {
        IEngineConnection? engine = _engine;
        _engine = null;
        _handler = null;
        return engine;
    }

    private static async Task CloseQuietlyAsync(IEngineConnection engine)
    {
        try
        {
            await engine.CloseAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Closing is best effort: the connection is gone either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        try
        {
            await engine.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>The current session ended (JS <c>onclose</c>): the sockets are told, then the reconnection starts.</summary>
    private void OnEngineClose(EngineHandler handler, string reason, Exception? error)
    {
        IEngineConnection? engine;
        lock (Gate)
        {
            if (!ReferenceEquals(_handler, handler))
            {
                return;
            }

            reason = _closeReasonOverride ?? reason;
            _closeReasonOverride = null;
            engine = DropEngineLocked();
            if (reason == "transport error")
            {
                // As the JavaScript engine's onError: the next connection does not trust a remembered upgrade.
                _priorWebSocketSuccess = false;
            }

            _decoder.Reset();
            SocketIOClientLog.EngineClosed(Logger, ServerUri, reason, error);
            if (_state is ManagerState.Opening or ManagerState.Reconnecting)
            {
                // The session opened and closed before OpenEngineAsync's continuation ran: as the JavaScript manager
                // (one thread, the open event first) would have seen it, open, then lost.
                TransitionLocked(ManagerState.Open);
            }

            // A lost connection: the back-off starts again from its first delay.
            _backoff.Reset();
            ReconnectOrGiveUpLocked(reason);
        }

        if (engine is not null)
        {
            _ = engine.DisposeAsync().AsTask();
        }
    }
}
