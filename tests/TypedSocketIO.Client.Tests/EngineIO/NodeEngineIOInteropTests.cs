using System.Text;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>
/// The Engine.IO client against the official Node <c>engine.io</c> server (tests/interop-node, pinned by the lockfile),
/// over polling, WebSocket only, and the upgrade.
/// </summary>
public sealed class NodeEngineIOInteropTests
{
    [Theory]
    [InlineData(TransportMode.Polling)]
    [InlineData(TransportMode.WebSocket)]
    [InlineData(TransportMode.Upgrade)]
    public async Task OfficialServer_HandshakeEchoInOrderHeartbeatAndServerClose(TransportMode mode)
    {
        await using NodeEngineIOServer node = await NodeEngineIOServer.StartAsync(pingIntervalMs: 150, pingTimeoutMs: 300);
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(TestSessions.Options(node.BaseUri, mode), handler, mode);

        string connection = await node.WaitForOutputAsync("\"connection\"");
        Assert.Contains(mode == TransportMode.WebSocket ? "\"transport\":\"websocket\"" : "\"transport\":\"polling\"", connection, StringComparison.Ordinal);
        Assert.Contains("\"q\":\"a b&c\"", connection, StringComparison.Ordinal);
        Assert.Contains("\"header\":\"header-value\"", connection, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(150), session.Handshake!.PingInterval);
        Assert.Equal(1_000_000, session.MaxPayload);
        Assert.Equal(TestSessions.ExpectedTransport(mode), session.Transport);
        if (mode == TransportMode.Upgrade)
        {
            await node.WaitForOutputAsync("\"upgrade\"");
        }

        var expected = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            if (i % 4 == 1)
            {
                byte[] data = [(byte)i, 0, 255];
                Assert.True(session.TrySend(EngineIOMessage.Binary(data)));
                expected.Add("binary " + Convert.ToHexString(data));
            }
            else
            {
                Assert.True(session.TrySend(EngineIOMessage.Text(Encoding.UTF8.GetBytes("é" + i))));
                expected.Add("text é" + i);
            }
        }

        var received = new List<string>();
        foreach (string _ in expected)
        {
            received.Add(await handler.NextAsync());
        }

        Assert.Equal(expected, received);

        // Several ping intervals pass: the official server closes a session that does not answer its pings.
        await Task.Delay(700);
        Assert.False(handler.Closed.Task.IsCompleted);

        Assert.True(session.TrySend(EngineIOMessage.Text("close-me"u8.ToArray())));
        Assert.Equal("transport close", (await handler.WaitClosedAsync()).Reason);
        Assert.Contains("forced close", await node.WaitForOutputAsync("\"close\""), StringComparison.Ordinal);
        Assert.False(handler.Overlapped);
        Assert.Equal(1, handler.CloseCount);
    }

    [Fact]
    public async Task OfficialServer_UpgradeWhileSending_NothingLostOrReordered()
    {
        await using NodeEngineIOServer node = await NodeEngineIOServer.StartAsync();
        var handler = new RecordingClientHandler();
        await using EngineIOClientSession session = await TestSessions.OpenAsync(
            TestSessions.Options(node.BaseUri, TransportMode.Upgrade), handler, TransportMode.Upgrade, waitForUpgrade: false);

        var expected = new List<string>();
        int i = 0;
        int afterUpgrade = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (afterUpgrade < 30 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            Assert.True(session.TrySend(EngineIOMessage.Text(Encoding.UTF8.GetBytes("n" + i))));
            expected.Add("text n" + i);
            i++;
            if (session.Transport == "websocket")
            {
                afterUpgrade++;
            }

            await Task.Delay(2);
        }

        Assert.Equal("websocket", session.Transport);
        var received = new List<string>();
        foreach (string _ in expected)
        {
            received.Add(await handler.NextAsync());
        }

        Assert.Equal(expected, received);
        await session.CloseAsync();
        Assert.Equal("forced close", (await handler.WaitClosedAsync()).Reason);
        Assert.Contains("transport close", await node.WaitForOutputAsync("\"close\""), StringComparison.Ordinal);
    }
}
