using System.Text;
using System.Threading.Channels;
using TypedSocketIO.Client.EngineIO;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>Records what a session reports, and fails the test when calls overlap or OnClose comes twice.</summary>
internal sealed class RecordingClientHandler : IEngineIOClientHandler
{
    private int _inCall;
    private int _closeCount;

    public Channel<string> Messages { get; } = Channel.CreateUnbounded<string>();

    public TaskCompletionSource<(string Reason, Exception? Error)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int CloseCount => Volatile.Read(ref _closeCount);

    public bool Overlapped { get; private set; }

    public void OnText(ReadOnlyMemory<byte> utf8) => Record("text " + Encoding.UTF8.GetString(utf8.Span));

    public void OnBinary(ReadOnlyMemory<byte> data) => Record("binary " + Convert.ToHexString(data.Span));

    public void OnClose(string reason, Exception? error)
    {
        Enter();
        Interlocked.Increment(ref _closeCount);
        Closed.TrySetResult((reason, error));
        Leave();
    }

    /// <summary>The next message, within 10 seconds.</summary>
    public async Task<string> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await Messages.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The close, within <paramref name="seconds"/> seconds.</summary>
    public async Task<(string Reason, Exception? Error)> WaitClosedAsync(double seconds = 10)
        => await Closed.Task.WaitAsync(TimeSpan.FromSeconds(seconds));

    private void Record(string message)
    {
        Enter();
        Messages.Writer.TryWrite(message);
        Leave();
    }

    private void Enter()
    {
        if (Interlocked.Increment(ref _inCall) != 1)
        {
            Overlapped = true;
        }
    }

    private void Leave() => Interlocked.Decrement(ref _inCall);
}
