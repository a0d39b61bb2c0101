using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client.Internal;

/// <summary>An emit waiting for the server's acknowledgement, with its timeout timer. Completed once, under the manager's lock.</summary>
internal sealed class PendingAck(string eventName, long id, Action<SocketIOArguments?, Exception?> complete) : IDisposable
{
    private Timer? _timer;
    private bool _done;

    public string EventName { get; } = eventName;

    public long Id { get; } = id;

    public void StartTimer(TimeSpan timeout, Action<PendingAck, TimeSpan> onTimeout)
    {
        _timer = new Timer(_ => onTimeout(this, timeout), null, timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer?.Dispose();

    public void Complete(SocketIOArguments? arguments, Exception? error)
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _timer?.Dispose();
        complete(arguments, error);
    }
}
