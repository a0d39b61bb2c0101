using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>Waits for one socket's acknowledgement of one emit, with an optional timeout and cancellation.</summary>
// The waiter is its own completion source: one object fewer per emit with an acknowledgement.
internal sealed class SingleAck : TaskCompletionSource<SocketIOArguments>, IPendingAck
{
    private readonly SocketIOSocket _socket;
    private readonly long _id;
    private readonly string _eventName;
    private readonly TimeSpan _timeout;
    private readonly System.Diagnostics.Activity? _activity;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    public SingleAck(SocketIOSocket socket, long id, string eventName, TimeSpan? timeout)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _socket = socket;
        _id = id;
        _eventName = eventName;
        _timeout = timeout ?? Timeout.InfiniteTimeSpan;
        _activity = SocketIOTelemetry.StartAck(socket.Namespace.Name, eventName, socket.Id);
    }

    /// <summary>Starts the timer and the cancellation; called once the entry is in the table.</summary>
    public void Start(TimeProvider time, CancellationToken cancellationToken)
    {
        if (_timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = time.CreateTimer(static s => ((SingleAck)s!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((SingleAck)s!).OnCancelled(token), this);
        }
    }

    public void OnResponse(SocketIOSocket socket, SocketIOArguments arguments)
    {
        Cleanup();
        TrySetResult(arguments);
    }

    public void OnSocketClosed(SocketIOSocket socket, string reason)
    {
        SocketIOTelemetry.Fail(_activity, "disconnected: " + reason);
        Cleanup();
        TrySetException(SocketIODisconnectedException.ForReason(reason));
    }

    /// <summary>Fails the waiter without touching the table (the entry never made it in, or was removed by the caller).</summary>
    public void Fail(Exception exception)
    {
        SocketIOTelemetry.Fail(_activity, exception.Message);
        Cleanup();
        TrySetException(exception);
    }

    private void OnTimeout()
    {
        // Remove first: a late answer must not find the entry, and the table must not keep it (socket.io #4984).
        if (_socket.TryRemoveAck(_id, out _))
        {
            _socket.Server.CountError(SocketIOErrorReasons.AckTimeout, _socket.Namespace.Name);
            SocketIOTelemetry.Fail(_activity, "timed out");
            Cleanup();
            TrySetException(new SocketIOAckTimeoutException(_eventName, _timeout, [], -1));
        }
    }

    private void OnCancelled(CancellationToken token)
    {
        if (_socket.TryRemoveAck(_id, out _))
        {
            SocketIOTelemetry.Fail(_activity, "cancelled");
            Cleanup();
            TrySetCanceled(token);
        }
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
        SocketIOTelemetry.Stop(_activity);
    }
}
