using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The result of one broadcast with acknowledgements (the official <c>BroadcastOperator.emitWithAck</c>): complete when every
/// server of the cluster reported its client count and every one of those clients answered (the per-recipient form: or left).
/// At the timeout, the official form (<see cref="Task"/>) fails with <see cref="SocketIOAckTimeoutException"/> holding the answers
/// received — a client that disconnected counts as one that did not answer, as in socket.io 4.8.4; the per-recipient form
/// (<see cref="Results"/>) completes with one entry per targeted socket, the silent ones marked timed out.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source has no timer and is cancelled once when the broadcast ends; the GC reclaims it.")]
internal sealed class BroadcastAck : ISocketIOBroadcastAckCollector
{
    private readonly TaskCompletionSource<IReadOnlyList<SocketIOArguments>>? _answers;
    private readonly TaskCompletionSource<IReadOnlyList<AckResult<SocketIOArguments>>>? _results;
    private readonly Lock _gate = new();
    private readonly List<AckResult<SocketIOArguments>> _outcomes = [];

    // The local sockets the packet went to, and whether each has answered or left (an answer may come before OnTarget).
    private readonly Dictionary<SocketIOSocket, bool> _localTargets = [];
    private readonly CancellationTokenSource _abandoned = new();
    private readonly string _eventName;
    private readonly TimeSpan _timeout;
    private int _expectedServers = -1;
    private int _reportedServers;
    private int _expectedClients;
    private int _answeredOrGone;
    private int _remoteAnswers;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    /// <summary>Creates the collector of one broadcast.</summary>
    /// <param name="eventName">The event, for the timeout's message.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="perRecipient">Whether to complete with one entry per recipient (<see cref="Results"/>) instead of the official form.</param>
    public BroadcastAck(string eventName, TimeSpan timeout, bool perRecipient = false)
    {
        _eventName = eventName;
        _timeout = timeout;
        if (perRecipient)
        {
            _results = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        else
        {
            _answers = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The answers, failing at the timeout (the official form).</summary>
    public Task<IReadOnlyList<SocketIOArguments>> Task => _answers?.Task ?? throw new InvalidOperationException("This broadcast collects per-recipient results.");

    /// <summary>One entry per targeted socket, complete when all answered or at the timeout.</summary>
    public Task<IReadOnlyList<AckResult<SocketIOArguments>>> Results => _results?.Task ?? throw new InvalidOperationException("This broadcast collects the official answers.");

    public CancellationToken Abandoned => _abandoned.Token;

    private bool IsCompleted => _answers?.Task.IsCompleted ?? _results!.Task.IsCompleted;

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
        if (_answers is not null)
        {
            _answers.TrySetException(exception);
        }
        else
        {
            _results!.TrySetException(exception);
        }
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

    public void OnTarget(SocketIOSocket socket)
    {
        lock (_gate)
        {
            _localTargets.TryAdd(socket, false);
        }
    }

    public void OnAck(SocketIOArguments response) => Answered(null, null, response);

    public void OnAck(string socketId, SocketIOArguments response) => Answered(null, socketId, response);

    public void OnAck(SocketIOSocket socket, SocketIOArguments response) => Answered(socket, socket.Id, response);

    public void OnClientLeft() => Left(null);

    public void OnClientLeft(SocketIOSocket socket) => Left(socket);

    private void Answered(SocketIOSocket? local, string? socketId, SocketIOArguments response)
    {
        lock (_gate)
        {
            if (IsCompleted)
            {
                return;
            }

            if (local is not null)
            {
                _localTargets[local] = true;
            }
            else
            {
                _remoteAnswers++;
            }

            _outcomes.Add(new AckResult<SocketIOArguments>(socketId, AckStatus.Acknowledged, response));
            _answeredOrGone++;
        }

        TryComplete();
    }

    private void Left(SocketIOSocket? local)
    {
        lock (_gate)
        {
            if (IsCompleted)
            {
                return;
            }

            if (local is not null)
            {
                _localTargets[local] = true;
                _outcomes.Add(new AckResult<SocketIOArguments>(local.Id, AckStatus.Disconnected, null!));
            }

            if (_answers is not null)
            {
                // The official form, as socket.io 4.8.4: a client that left did not answer, so the broadcast ends at its
                // timeout with the error and the answers that arrived (the per-recipient form reports it at once instead).
                return;
            }

            _answeredOrGone++;
        }

        TryComplete();
    }

    private void TryComplete()
    {
        lock (_gate)
        {
            if (_expectedServers < 0 || _reportedServers < _expectedServers || _answeredOrGone < _expectedClients)
            {
                return;
            }
        }

        Cleanup();
        lock (_gate)
        {
            if (_answers is not null)
            {
                _answers.TrySetResult(Answers());
            }
            else
            {
                _results!.TrySetResult(_outcomes.ToArray());
            }
        }
    }

    private void OnTimeout()
    {
        Cleanup();
        lock (_gate)
        {
            if (_answers is not null)
            {
                SocketIOArguments[] partial = Answers();
                int expected = Math.Max(_expectedClients, partial.Length);
                _answers.TrySetException(new SocketIOAckTimeoutException(_eventName, _timeout, partial, expected));
                return;
            }

            if (_results!.Task.IsCompleted)
            {
                return;
            }

            // The local sockets that neither answered nor left, by id; the other servers' silent clients by number only.
            var results = new List<AckResult<SocketIOArguments>>(Math.Max(_expectedClients, _outcomes.Count));
            results.AddRange(_outcomes);
            foreach (KeyValuePair<SocketIOSocket, bool> target in _localTargets)
            {
                if (!target.Value)
                {
                    results.Add(new AckResult<SocketIOArguments>(target.Key.Id, AckStatus.TimedOut, null!));
                }
            }

            int remoteSilent = _expectedClients - _localTargets.Count - _remoteAnswers;
            for (int i = 0; i < remoteSilent; i++)
            {
                results.Add(new AckResult<SocketIOArguments>(null, AckStatus.TimedOut, null!));
            }

            _results.TrySetResult(results.ToArray());
        }
    }

    private SocketIOArguments[] Answers()
    {
        var answers = new List<SocketIOArguments>(_outcomes.Count);
        foreach (AckResult<SocketIOArguments> outcome in _outcomes)
        {
            if (outcome.TryGetValue(out SocketIOArguments? answer))
            {
                answers.Add(answer);
            }
        }

        return answers.ToArray();
    }

    private void OnCancelled(CancellationToken token)
    {
        Cleanup();
        if (_answers is not null)
        {
            _answers.TrySetCanceled(token);
        }
        else
        {
            _results!.TrySetCanceled(token);
        }
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

        _collector.OnTarget(socket);
    }

    /// <summary>Every target is known: frees the remaining entries once the collector is abandoned.</summary>
    public void Start()
    {
        _collector.Abandoned.UnsafeRegister(static s => ((LocalBroadcastAck)s!).OnAbandoned(), this);
    }

    public void OnResponse(SocketIOSocket socket, SocketIOArguments arguments)
    {
        Done(socket);
        _collector.OnAck(socket, arguments);
    }

    public void OnSocketClosed(SocketIOSocket socket, string reason)
    {
        Done(socket);
        _collector.OnClientLeft(socket);
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
