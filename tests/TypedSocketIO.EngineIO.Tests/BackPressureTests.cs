using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// The outbound bound of a session (<see cref="EngineIOOptions.MaxOutgoingBufferSize"/>) and its policy: volatile messages are
/// dropped whenever anything waits; a message that would cross the bound closes the session with <c>outgoing buffer overflow</c>;
/// <see cref="EngineIOConnection.WaitForCapacityAsync(int, CancellationToken)"/> waits for room; drops and queue depth are metered.
/// </summary>
public sealed class BackPressureTests
{
    [Fact]
    public async Task AtTheBound_Accepted_OneBytePast_ClosesWithOutgoingBufferOverflow()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        EngineIOConnection connection = await OpenPollingAsync(server);

        // Each message counts its data plus one byte: 2 × (499 + 1) = 1000, the bound exactly.
        Assert.True(connection.TrySend(Text(499)));
        Assert.True(connection.TrySend(Text(499)));
        Assert.Equal(1000, connection.BufferedAmount);

        // An empty message counts one byte: 1001 is one past.
        Assert.False(connection.TrySend(Text(0)));
        EngineIOCloseReason reason = await server.Handler.WaitClosedAsync();
        Assert.Equal(EngineIOCloseReason.OutgoingBufferOverflow.Reason, reason.Reason);
        Assert.Equal("outgoing buffer overflow", reason.Reason);
        Assert.Equal("more than EngineIOOptions.MaxOutgoingBufferSize (1000 bytes) waiting to be sent", reason.Description);
        Assert.False(connection.IsOpen);
    }

    [Fact]
    public async Task AMessageLargerThanTheBound_TakenWhenNothingWaits_AnythingBehindItCrossesTheBound()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));

        // Alone, it goes (it could never be sent otherwise).
        Assert.True(connection.TrySend(Text(4999)));
        Assert.Equal(5000, connection.BufferedAmount);
        Assert.Equal("4" + new string('x', 4999), await server.PollAsync(sid));

        // Behind anything, it crosses the bound.
        Assert.True(connection.TrySend(Text(0)));
        Assert.False(connection.TrySend(Text(4999)));
        Assert.Equal("outgoing buffer overflow", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task AnAtomicGroupPastTheBound_NoneQueued_SessionClosed()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        EngineIOConnection connection = await OpenPollingAsync(server);

        Assert.True(connection.TrySend([Text(299), Text(299), Text(399)])); // 300 + 300 + 400 = 1000
        Assert.False(connection.TrySend([Text(0), Text(0)]));
        Assert.Equal("outgoing buffer overflow", (await server.Handler.WaitClosedAsync()).Reason);
    }

    [Fact]
    public async Task Volatile_DroppedWhileAnythingWaits_LongBeforeTheBound()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));

        // No poll pending: a volatile message is dropped even with an empty queue; a normal one waits.
        Assert.False(connection.TrySend(Text(10), isVolatile: true));
        Assert.True(connection.TrySend(Text(10)));
        Assert.False(connection.TrySend(Text(10), isVolatile: true));
        Assert.Equal(11, connection.BufferedAmount);
        Assert.True(connection.IsOpen);
        Assert.Equal("4" + new string('x', 10), await server.PollAsync(sid));
    }

    [Fact]
    public async Task WaitForCapacity_WithRoom_CompletesSynchronouslyWithoutAllocating()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        EngineIOConnection connection = await OpenPollingAsync(server);
        Assert.True(connection.TrySend(Text(99)));

        Assert.True(ResultNow(connection.WaitForCapacityAsync(100)));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(ResultNow(connection.WaitForCapacityAsync(100)));
            Assert.True(ResultNow(connection.WaitForCapacityAsync()));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task WaitForCapacity_OverTheThreshold_WaitsUntilAPollSendsTheQueue()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        Assert.True(connection.TrySend(Text(100)));
        Assert.True(connection.TrySend(Text(100)));

        // At the threshold: room. One below: wait.
        Assert.True(ResultNow(connection.WaitForCapacityAsync(202)));
        Task<bool> wait = connection.WaitForCapacityAsync(201).AsTask();
        Assert.True(ResultNow(connection.WaitForCapacityAsync())); // half the bound: 500
        Assert.False(wait.IsCompleted);

        string polled = await server.PollAsync(sid);
        Assert.Equal(2 * 101 + 1, polled.Length); // two messages and the separator
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, connection.BufferedAmount);
    }

    [Fact]
    public async Task WaitForCapacity_SessionClosedWhileWaiting_CompletesFalse_AfterTheHandlerWasTold()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        EngineIOConnection connection = await OpenPollingAsync(server);
        Assert.True(connection.TrySend(Text(600)));
        Task<bool> wait = connection.WaitForCapacityAsync(0).AsTask();
        Assert.False(wait.IsCompleted);

        Assert.False(connection.TrySend(Text(600))); // over the bound: closed
        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(server.Handler.Closed.Reader.TryRead(out var closed)); // told before the waiter was released
        Assert.Equal("outgoing buffer overflow", closed.Reason.Reason);

        Assert.False(ResultNow(connection.WaitForCapacityAsync(0)));
    }

    [Fact]
    public async Task WaitForCapacity_Cancelled_ThrowsAndIsForgotten()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        Assert.True(connection.TrySend(Text(600)));

        using var cts = new CancellationTokenSource();
        Task<bool> wait = connection.WaitForCapacityAsync(10, cts.Token).AsTask();
        Assert.False(wait.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        // Already cancelled: at once.
        Assert.True(connection.WaitForCapacityAsync(10, cts.Token).AsTask().IsCanceled);

        // The session goes on.
        Assert.Equal(601, (await server.PollAsync(sid)).Length);
        Assert.True(connection.IsOpen);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    public async Task WaitForCapacity_ThresholdOutsideTheBound_Throws(int threshold)
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        EngineIOConnection connection = await OpenPollingAsync(server);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ResultNow(connection.WaitForCapacityAsync(threshold)));
        Assert.Contains("EngineIOOptions.MaxOutgoingBufferSize - 1 (999)", error.Message, StringComparison.Ordinal);
        Assert.True(ResultNow(connection.WaitForCapacityAsync(999)));
    }

    [Fact]
    public async Task Metrics_DropsByReason_AndQueueDepth()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxOutgoingBufferSize = 1000);
        var dropped = new Dictionary<string, long>();
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == server.Engine.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "engineio.outgoing.dropped")
            {
                string reason = (string)tags.ToArray().Single(t => t.Key == "reason").Value!;
                lock (dropped)
                {
                    dropped[reason] = dropped.GetValueOrDefault(reason) + value;
                }
            }
            else
            {
                observed[instrument.Name] = value;
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => observed[instrument.Name] = value);
        listener.Start();

        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        EngineIOConnection other = await OpenPollingAsync(server);
        Assert.True(connection.TrySend(Text(299)));
        Assert.True(connection.TrySend(Text(299)));
        Assert.True(other.TrySend(Text(99)));
        Assert.False(connection.TrySend(Text(5), isVolatile: true));
        Assert.False(connection.TrySend(Text(5), isVolatile: true));

        listener.RecordObservableInstruments();
        Assert.Equal(700, observed["engineio.outgoing.buffered"]);
        Assert.Equal(600, observed["engineio.outgoing.buffered.max"]);
        Assert.Equal(3, observed["engineio.outgoing.queued"]);
        Assert.Equal(2, dropped["volatile_dropped"]);
        Assert.False(dropped.ContainsKey("overflow_disconnect"));

        // Over the bound: the message refused and the two still queued.
        Assert.False(connection.TrySend(Text(500)));
        await server.Handler.WaitClosedAsync();
        Assert.Equal(3, dropped["overflow_disconnect"]);

        listener.RecordObservableInstruments();
        Assert.Equal(100, observed["engineio.outgoing.buffered"]);
        Assert.Equal(100, observed["engineio.outgoing.buffered.max"]);
        Assert.Equal(1, observed["engineio.outgoing.queued"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WebSocketClientThatStopsReading_CutAtTheBound_BufferedNeverPastIt(bool kestrelTransport)
    {
        const int bound = 256 * 1024;
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.MaxOutgoingBufferSize = bound;
            o.KestrelWebSocketTransport = kestrelTransport;
        });
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        EngineIOConnection connection = Connection(server, await ws.ReceiveTextAsync());

        // The client reads nothing more. The server sends 16 KB messages, waiting for room before each; the socket's buffers fill,
        // then the queue: the wait stops returning. The messages sent without waiting then cross the bound.
        byte[] payload = new byte[16 * 1024];
        int sentWithWait = 0;
        while (true)
        {
            Task<bool> room = connection.WaitForCapacityAsync(bound - payload.Length - 1).AsTask();
            if (await Task.WhenAny(room, Task.Delay(TimeSpan.FromSeconds(2))) != room)
            {
                break; // the client's buffers are full: no room for a while (no duration is asserted)
            }

            Assert.True(await room);
            Assert.True(connection.TrySend(EngineIOMessage.Binary(payload)), "a message sent after waiting for room never crosses the bound");
            Assert.InRange(connection.BufferedAmount, 0, bound);
            sentWithWait++;
            Assert.True(sentWithWait < 100_000, "the client's buffers never filled");
        }

        int accepted = 0;
        while (connection.TrySend(EngineIOMessage.Binary(payload)))
        {
            Assert.InRange(connection.BufferedAmount, 0, bound);
            accepted++;
            Assert.True(accepted < 100_000, "the client's buffers never filled");
        }

        Assert.Equal("outgoing buffer overflow", (await server.Handler.WaitClosedAsync()).Reason);
        ws.Abort();
    }

    /// <summary>The result of a wait that completed synchronously; <see langword="null"/> when it waits.</summary>
    private static bool? ResultNow(ValueTask<bool> wait) => wait.IsCompletedSuccessfully ? wait.Result : null;

    private static EngineIOMessage Text(int length) => EngineIOMessage.Text(Encoding.UTF8.GetBytes(new string('x', length)));

    private static async Task<EngineIOConnection> OpenPollingAsync(EngineIOTestServer server)
    {
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));
        return connection;
    }

    private static EngineIOConnection Connection(EngineIOTestServer server, string open)
    {
        using var doc = JsonDocument.Parse(open[1..]);
        Assert.True(server.Engine.TryGetConnection(doc.RootElement.GetProperty("sid").GetString()!, out EngineIOConnection? connection));
        return connection;
    }
}
