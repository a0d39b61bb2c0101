using System.Threading.Channels;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.TestHost;

/// <summary>
/// The Engine.IO session of one test client, in memory: what the server sends becomes frames for the client; what the
/// client sends reaches the server's connection one call at a time, in order, as the Engine.IO read loop delivers it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The token source has no timer and is cancelled once when the session closes; the GC reclaims it.")]
internal sealed class InMemoryTransport : ISocketIOTransport
{
    private static int s_next;
    private readonly Channel<TestFrame> _toClient = Channel.CreateUnbounded<TestFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<TestFrame> _toServer = Channel.CreateUnbounded<TestFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource<EngineIOCloseReason> _closeReason = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SocketIOClientConnection? _connection;
    private Task? _serverPump;
    private int _isClosed;

    public string Id { get; } = "test-eio-" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsOpen => Volatile.Read(ref _isClosed) == 0;

    public CancellationToken Closed => _closed.Token;

    /// <summary>The reason the session closed, once it has.</summary>
    public Task<EngineIOCloseReason> CloseReason => _closeReason.Task;

    /// <summary>The frames the server sent, for the client's reader.</summary>
    public ChannelReader<TestFrame> ToClient => _toClient.Reader;

    public void Start(SocketIOClientConnection connection)
    {
        _connection = connection;
        _serverPump = Task.Run(PumpToServerAsync);
    }

    public bool TrySend(SocketIOEncodedPacket packet, bool isVolatile)
    {
        if (!IsOpen)
        {
            return false;
        }

        // Copied: what the client sees is what the wire would carry at this moment, whatever the server reuses later.
        lock (_toClient)
        {
            _toClient.Writer.TryWrite(TestFrame.Text(packet.Text.ToArray()));
            foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
            {
                _toClient.Writer.TryWrite(TestFrame.Binary(attachment.ToArray()));
            }
        }

        return true;
    }

    public bool TrySendText(byte[] text, bool isVolatile)
    {
        if (!IsOpen)
        {
            return false;
        }

        lock (_toClient)
        {
            _toClient.Writer.TryWrite(TestFrame.Text(text.AsSpan().ToArray()));
        }

        return true;
    }

    /// <summary>The client sends one packet: its text, then its attachments, with nothing in between.</summary>
    public bool SendToServer(SocketIOEncodedPacket packet)
    {
        if (!IsOpen)
        {
            return false;
        }

        lock (_toServer)
        {
            _toServer.Writer.TryWrite(TestFrame.Text(packet.Text.ToArray()));
            foreach (ReadOnlyMemory<byte> attachment in packet.Attachments)
            {
                _toServer.Writer.TryWrite(TestFrame.Binary(attachment.ToArray()));
            }
        }

        return true;
    }

    /// <summary>The client sends a raw text frame (for tests of bad input).</summary>
    public bool SendTextToServer(string text)
    {
        if (!IsOpen)
        {
            return false;
        }

        // Under the same lock as SendToServer: never between another packet's text and its attachments.
        lock (_toServer)
        {
            _toServer.Writer.TryWrite(TestFrame.Text(System.Text.Encoding.UTF8.GetBytes(text)));
        }

        return true;
    }

    /// <summary>The server closes the session (a server-side disconnect with close, a protocol error, shutdown).</summary>
    public async ValueTask CloseAsync(EngineIOCloseReason reason) => await CloseCoreAsync(reason).ConfigureAwait(false);

    /// <summary>The client goes away (the transport closes): after the frames it sent before.</summary>
    public async Task CloseFromClientAsync()
    {
        _toServer.Writer.TryComplete();
        if (_serverPump is not null)
        {
            await _serverPump.ConfigureAwait(false);
        }

        await CloseCoreAsync(new EngineIOCloseReason(EngineIOCloseReason.TransportClose.Reason, "the test client closed its transport")).ConfigureAwait(false);
    }

    private async Task CloseCoreAsync(EngineIOCloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0)
        {
            return;
        }

        _toServer.Writer.TryComplete();
        await _closed.CancelAsync().ConfigureAwait(false);
        lock (_toClient)
        {
            _toClient.Writer.TryComplete();
        }

        _closeReason.TrySetResult(reason);
        if (_connection is not null)
        {
            await _connection.OnCloseAsync(reason).ConfigureAwait(false);
        }
    }

    private async Task PumpToServerAsync()
    {
        await foreach (TestFrame frame in _toServer.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (!IsOpen)
            {
                return;
            }

            if (frame.IsText)
            {
                await _connection!.OnTextAsync(frame.Data).ConfigureAwait(false);
            }
            else
            {
                await _connection!.OnBinaryAsync(frame.Data).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>One Engine.IO message's content: a Socket.IO packet's text or one of its attachments.</summary>
internal readonly record struct TestFrame(bool IsText, byte[] Data)
{
    public static TestFrame Text(byte[] data) => new(true, data);

    public static TestFrame Binary(byte[] data) => new(false, data);
}
