using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The result of one broadcast with acknowledgements (the official <c>BroadcastOperator.emitWithAck</c>): complete when every
/// server of the cluster reported its client count and every one of those clients answered or left; fails with
/// <see cref="SocketIOAckTimeoutException"/> (holding the answers received) at the timeout.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source has no timer and is cancelled once when the broadcast ends; the GC reclaims it.")]
internal sealed class BroadcastAck : ISocketIOBroadcastAckCollector
{
    private readonly TaskCompletionSource<IReadOnlyList<SocketIOArguments>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly List<SocketIOArguments> _responses = [];
    private readonly CancellationTokenSource _abandoned = new();
    private readonly string _eventName;
    private readonly TimeSpan _timeout;
    private int _expectedServers = -1;
    private int _reportedServers;
    private int _expectedClients;
    private int _answeredOrGone;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    public BroadcastAck(string eventName, TimeSpan timeout)
    {
        _eventName = eventName;
        _timeout = timeout;
    }

    public Task<IReadOnlyList<SocketIOArguments>> Task => _completion.Task;

    public CancellationToken Abandoned => _abandoned.Token;

    /// <summary>Starts the timer and the cancellation, before the packet leaves.</summary>
    public void Start(TimeProvider time, CancellationToken cancellationToken)
    {
        _timer = time.CreateTimer(static s => ((BroadcastAck)s!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((BroadcastAck)s!).OnCancelled(token), this);
        }
    }

    /// <summary>The number of servers that will report a client count (from the adapter's server count).</summary>
    public void SetServerCount(int servers)
    {
        lock (_gate)
        {
            _expectedServers = servers;
        }

        TryComplete();
    }

    /// <summary>The server count could not be known: the broadcast fails.</summary>
    public void Fail(Exception exception)
    {
        Cleanup();
        _completion.TrySetException(exception);
    }

    public void OnClientCount(int clientCount)
    {
        lock (_gate)
        {
            _reportedServers++;
            _expectedClients += Math.Max(0, clientCount);
        }

        TryComplete();
    }

    public void OnAck(SocketIOArguments response)
    {
        lock (_gate)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            _responses.Add(response);
            _answeredOrGone++;
        }

        TryComplete();
    }

    public void OnClientLeft()
    {
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
            if (_expectedServers < 0 || _reportedServers < _expectedServers || _answeredOrGone < _expectedClients)
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
        SocketIOArguments[] partial;
        int expected;
        lock (_gate)
        {
            partial = _responses.ToArray();
            expected = Math.Max(_expectedClients, partial.Length);
        }

        Cleanup();
        _completion.TrySetException(new SocketIOAckTimeoutException(_eventName, _timeout, partial, expected));
    }

    private void OnCancelled(CancellationToken token)
    {
        Cleanup();
        _completion.TrySetCanceled(token);
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _cancellation.Dispose();

        // Synchronously: the local entries are gone before the caller sees the result.
        try
        {
            _abandoned.Cancel();
        }
        catch (AggregateException)
        {
            // An adapter's cleanup threw; the result stands.
        }
    }
}

/// <summary>
/// The entry one broadcast with acknowledgements puts in the table of every local socket it went to, under this server's
/// id: forwards answers and departures to the collector, and once the collector is abandoned removes itself from every table that still
/// holds it (socket.io #4984 leaked them).
/// </summary>
internal sealed class LocalBroadcastAck : IPendingAck
{
    private readonly Lock _gate = new();
    private readonly HashSet<SocketIOSocket> _waiting = [];
    private readonly long _id;
    private readonly ISocketIOBroadcastAckCollector _collector;

    public LocalBroadcastAck(long id, ISocketIOBroadcastAckCollector collector)
    {
        _id = id;
        _collector = collector;
    }

    public void AddTarget(SocketIOSocket socket)
    {
        lock (_gate)
        {
            _waiting.Add(socket);
        }
    }

    /// <summary>Every target is known: frees the remaining entries once the collector is abandoned.</summary>
    public void Start()
    {
        _collector.Abandoned.UnsafeRegister(static s => ((LocalBroadcastAck)s!).OnAbandoned(), this);
    }

    public void OnResponse(SocketIOSocket socket, SocketIOArguments arguments)
    {
        Done(socket);
        _collector.OnAck(arguments);
    }

    public void OnSocketClosed(SocketIOSocket socket, string reason)
    {
        Done(socket);
        _collector.OnClientLeft();
    }

    private void Done(SocketIOSocket socket)
    {
        lock (_gate)
        {
            _waiting.Remove(socket);
        }
    }

    private void OnAbandoned()
    {
        SocketIOSocket[] remaining;
        lock (_gate)
        {
            remaining = [.. _waiting];
            _waiting.Clear();
        }

        foreach (SocketIOSocket socket in remaining)
        {
            socket.TryRemoveAck(_id, out _);
        }
    }
}
