using System.Net.WebSockets;
using TypedSocketIO.EngineIO.Internal;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>The timing wheel of session deadlines, and the heartbeat that runs on it.</summary>
public sealed class DeadlineWheelTests
{
    private const long Slot = 10;

    [Fact]
    public void An_entry_is_taken_once_its_deadline_has_come_and_not_before()
    {
        var wheel = new DeadlineWheel<string>(Slot, now: 1_000);
        wheel.Add("a", 1_025);
        wheel.Add("b", 1_030);
        var due = new List<DeadlineWheel<string>.Entry>();

        wheel.TakeDue(1_024, due);
        Assert.Empty(due);
        wheel.TakeDue(1_025, due);
        Assert.Empty(due); // slot boundaries are the resolution: 1 025 is in the slot that ends at 1 030
        wheel.TakeDue(1_030, due);
        Assert.Equal(["a", "b"], due.Select(e => e.Item).Order());
        Assert.Equal(0, wheel.Count);

        due.Clear();
        wheel.TakeDue(5_000, due);
        Assert.Empty(due);
    }

    [Fact]
    public void A_burst_in_one_slot_is_not_kept_once_the_tick_has_taken_it()
    {
        // Every session's send timeout of one broadcast lands in one slot; over a long run every slot sees such a burst.
        var wheel = new DeadlineWheel<string>(Slot, now: 1_000);
        var due = new List<DeadlineWheel<string>.Entry>();
        string[] items = Enumerable.Range(0, 10_000).Select(i => "s" + i).ToArray();
        foreach (string item in items)
        {
            wheel.Add(item, 1_050);
        }

        wheel.Add("next turn", 1_050 + (1024 * Slot)); // the same slot, a whole turn later: kept
        Assert.True(wheel.Capacity >= 10_001);
        wheel.TakeDue(1_050, due);
        Assert.Equal(10_000, due.Count);
        Assert.Equal(1, wheel.Count);
        Assert.True(wheel.Capacity <= 16, $"the wheel keeps room for {wheel.Capacity} entries after the burst");

        due.Clear();
        wheel.TakeDue(1_050 + (1024 * Slot), due);
        Assert.Equal("next turn", Assert.Single(due).Item);
    }

    [Fact]
    public void A_deadline_already_passed_is_taken_on_the_next_tick()
    {
        var wheel = new DeadlineWheel<string>(Slot, now: 1_000);
        var due = new List<DeadlineWheel<string>.Entry>();
        wheel.TakeDue(1_100, due);
        wheel.Add("late", 900);
        wheel.TakeDue(1_110, due);
        Assert.Equal([new DeadlineWheel<string>.Entry("late", 900)], due);
    }

    [Fact]
    public void A_deadline_more_than_a_turn_away_stays_until_it_falls_due()
    {
        var wheel = new DeadlineWheel<string>(Slot, now: 0);
        const long far = 1024 * Slot * 3 + 5; // three turns and a bit
        wheel.Add("far", far);
        var due = new List<DeadlineWheel<string>.Entry>();
        for (long now = Slot; now < far; now += Slot)
        {
            wheel.TakeDue(now, due);
            Assert.Empty(due);
        }

        wheel.TakeDue(far + Slot, due);
        Assert.Equal("far", Assert.Single(due).Item);
    }

    [Fact]
    public void A_ticker_late_by_more_than_a_turn_takes_everything_due()
    {
        var wheel = new DeadlineWheel<string>(Slot, now: 0);
        for (int i = 0; i < 3000; i++)
        {
            wheel.Add("s" + i, i * 7);
        }

        var due = new List<DeadlineWheel<string>.Entry>();
        wheel.TakeDue(100_000, due);
        Assert.Equal(3000, due.Count);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void A_removed_or_moved_entry_is_taken_only_where_it_went()
    {
        var wheel = new DeadlineWheel<string>(Slot, now: 0);
        wheel.Add("kept", 50);
        wheel.Add("removed", 50);
        wheel.Add("moved", 500);
        wheel.Remove("removed", 50);
        wheel.Remove("never added", 50);
        wheel.Move("moved", 500, 40);
        Assert.Equal(2, wheel.Count);
        var due = new List<DeadlineWheel<string>.Entry>();
        wheel.TakeDue(60, due);
        Assert.Equal(["kept", "moved"], due.Select(e => e.Item).Order());
        due.Clear();
        wheel.TakeDue(1_000, due);
        Assert.Empty(due);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sessions_keep_one_deadline_each_through_heartbeats_and_none_once_closed(bool kestrelTransport)
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.KestrelWebSocketTransport = kestrelTransport;
            o.PingInterval = TimeSpan.FromMilliseconds(100);
            o.PingTimeout = TimeSpan.FromSeconds(5);
        });

        var sockets = new List<ClientWebSocket>();
        for (int i = 0; i < 10; i++)
        {
            var ws = new ClientWebSocket();
            await ws.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
            Assert.StartsWith("0", await ws.ReceiveTextAsync(), StringComparison.Ordinal);
            sockets.Add(ws);
        }

        // Three heartbeats each: every ping is answered, so every session stays open and due again at its next ping.
        for (int round = 0; round < 3; round++)
        {
            foreach (ClientWebSocket ws in sockets)
            {
                Assert.Equal("2", await ws.ReceiveTextAsync());
                await ws.SendTextAsync("3");
            }

            // One entry per session at most (a pong moves the session's entry from its pong deadline to its next ping).
            Assert.InRange(server.Engine.Deadlines.Count, 0, sockets.Count);
        }

        Assert.Equal(sockets.Count, server.Engine.SessionCount);
        foreach (ClientWebSocket ws in sockets)
        {
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            ws.Dispose();
        }

        for (int i = 0; i < 500 && server.Engine.SessionCount > 0; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, server.Engine.SessionCount);
        Assert.Equal(0, server.Engine.Deadlines.Count);
    }

    [Fact]
    public async Task A_silent_session_is_closed_for_ping_timeout_and_leaves_no_deadline()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(100);
            o.PingTimeout = TimeSpan.FromMilliseconds(300);
        });

        using var silent = new ClientWebSocket();
        await silent.ConnectAsync(server.WebSocketUri("EIO=4&transport=websocket"), CancellationToken.None);
        Assert.StartsWith("0", await silent.ReceiveTextAsync(), StringComparison.Ordinal);

        Assert.Equal("ping timeout", (await server.Handler.WaitClosedAsync()).Reason);
        Assert.Equal(0, server.Engine.Deadlines.Count);
    }
}
