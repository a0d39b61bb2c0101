using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TypedSocketIO.EngineIO.Internal.Transports;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// Messages whose bytes are lent by an owner (the Socket.IO server's pooled packet texts): each owner is released exactly once —
/// after the bytes were written, or when they are dropped — on every transport and on every way a message can go.
/// </summary>
public abstract class OwnedMessageTests
{
    protected abstract bool KestrelTransport { get; }

    [Fact]
    public async Task OverWebSocket_EachOwnedMessageArrivesAndIsReleasedOnceAfterItsWrite()
    {
        await using var server = await StartAsync();
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        EngineIOConnection connection = Connection(server, await ws.ReceiveTextAsync());

        var owners = new List<CountingOwner>();
        for (int i = 0; i < 50; i++)
        {
            var owner = new CountingOwner("4owned " + i);
            owners.Add(owner);
            Assert.True(connection.TrySendOwned(owner.Text, owner, isVolatile: false));
        }

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal("4owned " + i, await ws.ReceiveTextAsync());
        }

        await WaitReleasedAsync(owners);
        Assert.All(owners, o => Assert.Equal(1, o.Releases));
    }

    [Fact]
    public async Task OverWebSocket_PendingWhenTheClientGoes_EachReleasedOnce()
    {
        await using var server = await StartAsync();
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        EngineIOConnection connection = Connection(server, await ws.ReceiveTextAsync());

        // The client drops the connection while messages are being queued and written: sent, dropped or refused, each is released once.
        var owners = new List<CountingOwner>();
        ws.Abort();
        for (int i = 0; i < 200; i++)
        {
            var owner = new CountingOwner("4" + new string('x', 1000));
            owners.Add(owner);
            connection.TrySendOwned(owner.Text, owner, isVolatile: false);
        }

        await server.Handler.WaitClosedAsync();
        await WaitReleasedAsync(owners);
        Assert.All(owners, o => Assert.Equal(1, o.Releases));
        ws.Dispose();
    }

    [Fact]
    public async Task OverPolling_TakenByAPoll_ReleasedOnceWritten_AndDroppedOnesAtOnce()
    {
        await using var server = await StartAsync();
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));

        var first = new CountingOwner("4one");
        var second = new CountingOwner("4two");
        Assert.True(connection.TrySendOwned(first.Text, first, isVolatile: false));
        Assert.True(connection.TrySendOwned(second.Text, second, isVolatile: false));

        // Volatile while messages wait (no poll pending): dropped, so released at once by the session.
        var dropped = new CountingOwner("4volatile");
        Assert.False(connection.TrySendOwned(dropped.Text, dropped, isVolatile: true));
        Assert.Equal(1, dropped.Releases);
        Assert.Equal(0, first.Releases);

        Assert.Equal("4one\u001e4two", await server.PollAsync(sid));
        await WaitReleasedAsync([first, second]);
        Assert.Equal(1, first.Releases);
        Assert.Equal(1, second.Releases);
    }

    [Fact]
    public async Task QueuedThenSessionClosedWithoutFlush_EachReleasedOnce_AndLaterSendsRefusedAndReleased()
    {
        await using var server = await StartAsync();
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));

        var queued = Enumerable.Range(0, 5).Select(i => new CountingOwner("4q" + i)).ToList();
        foreach (CountingOwner owner in queued)
        {
            Assert.True(connection.TrySendOwned(owner.Text, owner, isVolatile: false));
        }

        await connection.CloseCoreAsync(EngineIOCloseReason.TransportError, flush: false);
        Assert.All(queued, o => Assert.Equal(1, o.Releases));

        var late = new CountingOwner("4late");
        Assert.False(connection.TrySendOwned(late.Text, late, isVolatile: false));
        Assert.Equal(1, late.Releases);
    }

    [Fact]
    public async Task OverTheOutgoingLimit_Refused_ReleasedOnce_WhileWhatWasQueuedIsReleasedWithTheSession()
    {
        await using var server = await StartAsync(o => o.MaxOutgoingBufferSize = 100);
        string sid = await server.HandshakePollingAsync();
        Assert.True(server.Engine.TryGetConnection(sid, out EngineIOConnection? connection));

        var fits = new CountingOwner("4" + new string('a', 50));
        Assert.True(connection.TrySendOwned(fits.Text, fits, isVolatile: false));
        var tooMuch = new CountingOwner("4" + new string('b', 60));
        Assert.False(connection.TrySendOwned(tooMuch.Text, tooMuch, isVolatile: false));
        Assert.Equal(1, tooMuch.Releases);

        // The overflow closes the session (transport error): what was queued is dropped with it.
        await server.Handler.WaitClosedAsync();
        await WaitReleasedAsync([fits]);
        Assert.Equal(1, fits.Releases);
    }

    private Task<EngineIOTestServer> StartAsync(Action<EngineIOOptions>? configure = null) => EngineIOTestServer.StartAsync(o =>
    {
        o.KestrelWebSocketTransport = KestrelTransport;
        configure?.Invoke(o);
    });

    private static EngineIOConnection Connection(EngineIOTestServer server, string open)
    {
        using var doc = JsonDocument.Parse(open[1..]);
        Assert.True(server.Engine.TryGetConnection(doc.RootElement.GetProperty("sid").GetString()!, out EngineIOConnection? connection));
        return connection;
    }

    /// <summary>Waits (generously: the writer runs on the thread pool) until every owner was released at least once.</summary>
    private static async Task WaitReleasedAsync(IReadOnlyList<CountingOwner> owners)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (owners.Any(o => o.Releases == 0))
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>Lends the bytes of one message (without the type digit) and counts its releases.</summary>
    private sealed class CountingOwner(string message) : IEngineIOMessageOwner
    {
        private int _releases;

        public ReadOnlyMemory<byte> Text { get; } = Encoding.UTF8.GetBytes(message[1..]);

        public int Releases => Volatile.Read(ref _releases);

        public void Release() => Interlocked.Increment(ref _releases);
    }
}

/// <summary>On ASP.NET Core's WebSocket middleware.</summary>
public sealed class AspNetCoreOwnedMessageTests : OwnedMessageTests
{
    protected override bool KestrelTransport => false;
}

/// <summary>On the lean Kestrel transport.</summary>
public sealed class KestrelOwnedMessageTests : OwnedMessageTests
{
    protected override bool KestrelTransport => true;
}
