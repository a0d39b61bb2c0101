using System.Text;
using System.Threading.Channels;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server.Tests.Harness;

/// <summary>An in-memory Engine.IO session: records what the server sends, and closes as the Engine.IO server would.</summary>
internal sealed class FakeTransport : ISocketIOTransport
{
    private static int s_next;
    private readonly Channel<SentFrame> _frames = Channel.CreateUnbounded<SentFrame>();
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource<EngineIOCloseReason> _closeReason = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _isClosed;

    public string Id { get; } = "eio" + Interlocked.Increment(ref s_next);

    public bool IsOpen => Volatile.Read(ref _isClosed) == 0;

    public CancellationToken Closed => _closed.Token;

    /// <summary>When false, volatile packets are dropped (as when a polling GET is not pending).</summary>
    public bool Writable { get; set; } = true;

    public SocketIOClientConnection? Client { get; set; }

    /// <summary>Every packet the server sent, in order.</summary>
    public List<SocketIOEncodedPacket> SentPackets { get; } = [];

    public Task<EngineIOCloseReason> CloseReason => _closeReason.Task;

    public bool TrySend(SocketIOEncodedPacket packet, bool isVolatile)
    {
        if (!IsOpen || (isVolatile && !Writable))
        {
            return false;
        }

        lock (SentPackets)
        {
            SentPackets.Add(packet);
            _frames.Writer.TryWrite(new SentFrame(Encoding.UTF8.GetString(packet.Text.Span), null));
            foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
            {
                _frames.Writer.TryWrite(new SentFrame(null, attachment.ToArray()));
            }
        }

        return true;
    }

    public async ValueTask CloseAsync(EngineIOCloseReason reason)
    {
        await CloseFromEngineAsync(reason);
    }

    /// <summary>The Engine.IO layer closed the session (client gone, ping timeout, …): the handler hears it once.</summary>
    public async ValueTask CloseFromEngineAsync(EngineIOCloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0)
        {
            return;
        }

        _closed.Cancel();
        _closeReason.TrySetResult(reason);
        _frames.Writer.TryComplete();
        if (Client is not null)
        {
            await Client.OnCloseAsync(reason);
        }
    }

    public async Task<SentFrame> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The connection closed before the server sent anything more.");
        }
    }

    public bool TryReadFrame(out SentFrame frame) => _frames.Reader.TryRead(out frame!);
}

internal sealed record SentFrame(string? Text, byte[]? Binary);
