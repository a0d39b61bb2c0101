using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Client.Internal;

/// <summary>
/// Runs user callbacks one after the other, in the order they were posted, outside the client's lock (a listener that
/// emits, awaits an acknowledgement or disconnects cannot deadlock the receive path).
/// </summary>
internal sealed class SerialDispatcher
{
    private readonly Channel<Func<ValueTask>> _queue =
        Channel.CreateUnbounded<Func<ValueTask>>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly ILogger _logger;
    private readonly Task _loop;

    public SerialDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Post(Func<ValueTask> work) => _queue.Writer.TryWrite(work);

    public void Post(Action work) => _queue.Writer.TryWrite(() =>
    {
        work();
        return ValueTask.CompletedTask;
    });

    /// <summary>Runs what is queued, then stops.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
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
