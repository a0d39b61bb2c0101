using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Client;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.Client.Internal;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Tests.Fakes;

/// <summary>An in-memory Engine.IO session: records what the client sends, lets the test play the server.</summary>
internal sealed class FakeEngine(IEngineIOClientHandler handler, Exception? openError) : IEngineConnection
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly Channel<string> _sent = Channel.CreateUnbounded<string>();
    private readonly object _gate = new();
    private bool _closed;

    public bool Writable { get; set; } = true;

    public bool IsWritableNow => Writable && !_closed;

    public string? Id => "fake";

    public string Transport => "websocket";

    public int WriteBufferLength => 0;

    public bool Closed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    public Task OpenAsync(CancellationToken cancellationToken) => openError is null ? Task.CompletedTask : Task.FromException(openError);

    public bool TrySend(EngineIOMessage message) => TrySend([message]);

    public bool TrySend(ReadOnlySpan<EngineIOMessage> messages)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            foreach (EngineIOMessage m in messages)
            {
                _sent.Writer.TryWrite(m.IsBinary ? "bin:" + Convert.ToHexString(m.Data.Span) : Encoding.UTF8.GetString(m.Data.Span));
            }
        }

        return true;
    }

    public Task CloseAsync()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return Task.CompletedTask;
            }

            _closed = true;
            _sent.Writer.TryWrite("<close>");
        }

        handler.OnClose("forced close", null);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The server sends a text packet (Socket.IO, without the Engine.IO '4').</summary>
    public void Receive(string text) => handler.OnText(Encoding.UTF8.GetBytes(text));

    public void ReceiveBinary(byte[] data) => handler.OnBinary(data);

    /// <summary>The transport is lost.</summary>
    public void Drop(string reason = "transport close")
    {
        lock (_gate)
        {
            _closed = true;
        }

        handler.OnClose(reason, null);
    }

    /// <summary>The next message the client sent (binary as "bin:HEX").</summary>
    public async Task<string> NextAsync() =>
        await NextOrNullAsync(Wait) ?? throw new TimeoutException("The client sent nothing within 5 s.");

    /// <summary>The next message the client sent within <paramref name="within"/>, or null (nothing is consumed then).</summary>
    public async Task<string?> NextOrNullAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            return await _sent.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}

/// <summary>Makes the fake sessions of one test and keeps them in order; <see cref="FailOpens"/> makes the next handshakes fail.</summary>
internal sealed class FakeServer
{
    private static int s_hosts;
    private readonly Channel<FakeEngine> _engines = Channel.CreateUnbounded<FakeEngine>();
    private readonly List<FakeEngine> _all = [];

    public FakeServer()
    {
        Uri = new Uri($"http://fake-{Interlocked.Increment(ref s_hosts)}.test/");
    }

    public Uri Uri { get; }

    public int FailOpens { get; set; }

    public int Count
    {
        get
        {
            lock (_all)
            {
                return _all.Count;
            }
        }
    }

    public IEngineConnection Create(Uri serverUri, SocketIOClientOptions options, SocketIOClientTransports transports, IEngineIOClientHandler handler, ILogger logger)
    {
        Exception? error = null;
        lock (_all)
        {
            if (FailOpens > 0)
            {
                FailOpens--;
                error = new IOException("connection refused");
            }
        }

        var engine = new FakeEngine(handler, error);
        lock (_all)
        {
            _all.Add(engine);
        }

        _engines.Writer.TryWrite(engine);
        return engine;
    }

    /// <summary>The next session the client opens.</summary>
    public Task<FakeEngine> NextEngineAsync() => _engines.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public SocketIOClient Client(string nsp = "/", SocketIOClientOptions? options = null) =>
        SocketIOClient.Create(new Uri(Uri, nsp), options ?? Fast(), Create);

    /// <summary>Options with short reconnection delays and no jitter.</summary>
    public static SocketIOClientOptions Fast() => new()
    {
        ReconnectionDelay = TimeSpan.FromMilliseconds(50),
        ReconnectionDelayMax = TimeSpan.FromMilliseconds(200),
        RandomizationFactor = 0,
    };
}
