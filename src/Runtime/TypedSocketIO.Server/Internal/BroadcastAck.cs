using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// Collects the acknowledgements of one broadcast. One instance sits in the table of every targeted socket under the same
/// id; on timeout it removes itself from every table that still holds it (socket.io #4984 leaked them).
/// </summary>
internal sealed class BroadcastAck : IPendingAck
{
    private readonly TaskCompletionSource<IReadOnlyList<SocketIOArguments>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<SocketIOArguments> _responses = [];
    private readonly List<SocketIOSocket> _targets = [];
    private readonly long _id;
    private readonly string _eventName;
    private readonly TimeSpan _timeout;
    private int _expected = -1;
    private int _answeredOrGone;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    public BroadcastAck(long id, string eventName, TimeSpan timeout)
    {
        _id = id;
        _eventName = eventName;
        _timeout = timeout;
    }

    public long Id => _id;

    public Task<IReadOnlyList<SocketIOArguments>> Task => _completion.Task;

    /// <summary>Records a socket the packet was sent to (the entry is in its table).</summary>
    public void AddTarget(SocketIOSocket socket)
    {
        lock (_gate)
        {
            _targets.Add(socket);
        }
    }

    /// <summary>All targets are known: starts the timer; completes at once when every target answered or left already.</summary>
    public void Start(TimeProvider time, CancellationToken cancellationToken)
    {
        // Timer and cancellation first: once _expected is set, an answer may complete (and clean up) at any moment.
        _timer = time.CreateTimer(static s => ((BroadcastAck)s!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((BroadcastAck)s!).OnCancelled(token), this);
        }

        lock (_gate)
        {
            _expected = _targets.Count;
        }

        TryComplete();
    }

    public void OnResponse(SocketIOSocket socket, SocketIOArguments arguments)
    {
        lock (_gate)
        {
            _responses.Add(arguments);
            _answeredOrGone++;
        }

        TryComplete();
    }

    public void OnSocketClosed(SocketIOSocket socket, string reason)
    {
        // A socket that left will never answer: stop waiting for it rather than waiting for the timeout.
        lock (_gate)
        {
            _answeredOrGone++;
        }

        TryComplete();
    }

    private void TryComplete()
    {
        IReadOnlyList<SocketIOArguments> result;
        lock (_gate)
        {
            if (_expected < 0 || _answeredOrGone < _expected)
            {
                return;
            }

            result = _responses.ToArray();
        }

        Cleanup();
        _completion.TrySetResult(result);
    }

    private void OnTimeout()
    {
        IReadOnlyList<SocketIOArguments> partial;
        int expected;
        RemoveFromTables();
        lock (_gate)
        {
            partial = _responses.ToArray();
            expected = _expected;
        }

        Cleanup();
        _completion.TrySetException(new SocketIOAckTimeoutException(_eventName, _timeout, partial, expected));
    }

    private void OnCancelled(CancellationToken token)
    {
        RemoveFromTables();
        Cleanup();
        _completion.TrySetCanceled(token);
    }

    private void RemoveFromTables()
    {
        SocketIOSocket[] targets;
        lock (_gate)
        {
            targets = _targets.ToArray();
        }

        foreach (SocketIOSocket socket in targets)
        {
            socket.TryRemoveAck(_id, out _);
        }
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
    }
}
