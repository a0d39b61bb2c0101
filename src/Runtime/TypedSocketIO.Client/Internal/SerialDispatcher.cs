using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Client.Internal;

/// <summary>
/// Runs user callbacks one after the other, in the order they were posted, outside the client's lock (a listener that
/// emits, awaits an acknowledgement or disconnects cannot deadlock the receive path). One per manager, shared by its
/// clients, so that the manager's events and its sockets' events keep the order in which they happened.
/// </summary>
internal sealed class SerialDispatcher
{
    private static readonly AsyncLocal<SerialDispatcher?> Running = new();

    private readonly Channel<Func<ValueTask>> _queue =
        Channel.CreateUnbounded<Func<ValueTask>>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly ILogger _logger;
    private readonly Task _loop;

    public SerialDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Whether the caller is a callback of this dispatcher (waiting for the queue there would deadlock).</summary>
    public bool IsRunningCallback => ReferenceEquals(Running.Value, this);

    public void Post(Func<ValueTask> work) => _queue.Writer.TryWrite(work);

    public void Post(Action work) => _queue.Writer.TryWrite(() =>
    {
        work();
        return ValueTask.CompletedTask;
    });

    /// <summary>Completes when what is queued now has run (at once from inside a callback).</summary>
    public Task DrainAsync()
    {
        if (IsRunningCallback)
        {
            return Task.CompletedTask;
        }

        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(() =>
        {
            drained.TrySetResult();
            return ValueTask.CompletedTask;
        }))
        {
            return _loop;
        }

        return drained.Task;
    }

    /// <summary>Runs what is queued, then stops.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return IsRunningCallback ? Task.CompletedTask : _loop;
    }

    private async Task RunAsync()
    {
        Running.Value = this;
        await foreach (Func<ValueTask> work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A listener's exception must not stop the delivery of later events.
            catch (Exception e)
#pragma warning restore CA1031
            {
                SocketIOClientLog.ListenerFailed(_logger, e);
            }
        }
    }
}
