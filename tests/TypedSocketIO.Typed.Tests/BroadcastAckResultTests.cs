using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;

namespace TypedSocketIO.Typed.Tests;

/// <summary>
/// Typed broadcast acknowledgements: <c>io.To("room").Timeout(t).Emit.Confirm(x)</c> gives one entry per targeted socket, with
/// its id and either the typed answer or why there is none; the waiting entries are always removed.
/// </summary>
public sealed class BroadcastAckResultTests
{
    // Only the broadcast timers use this due time, so the test fires them by hand (the heartbeat timers run on the real clock).
    private static readonly TimeSpan ManualTimeout = TimeSpan.FromMinutes(7);

    [Fact]
    public async Task EachTargetedSocket_GetsOneEntry_AnsweredInvalidDisconnectedOrTimedOut()
    {
        var clock = new ManualTimeoutClock(ManualTimeout);
        await using TestHost host = await StartAsync(clock);
        await using RawClient answers = await RawClient.ConnectAsync(host.Address);
        await using RawClient invalid = await RawClient.ConnectAsync(host.Address);
        RawClient leaves = await RawClient.ConnectAsync(host.Address);
        await using RawClient silent = await RawClient.ConnectAsync(host.Address);
        SocketIONamespace<ITestServer, ITestClient> ns = host.IO.Of<ITestServer, ITestClient>("/");

        Task<IReadOnlyList<AckResult<bool>>> results = ns.To("room").Timeout(ManualTimeout).Emit.Confirm("vote?");
        string id = AckId(await answers.ReceiveTextAsync());
        Assert.Equal(id, AckId(await invalid.ReceiveTextAsync()));
        Assert.Equal(id, AckId(await leaves.ReceiveTextAsync()));
        Assert.Equal(id, AckId(await silent.ReceiveTextAsync()));
        Assert.Equal(4, host.IO.Diagnostics.PendingAckCount);

        await answers.SendAsync($"3{id}[true]");
        await invalid.SendAsync($"3{id}[\"not a bool\"]");
        await leaves.DisposeAsync();
        await WaitUntilAsync(() => host.IO.Diagnostics.PendingAckCount == 1);
        Assert.False(results.IsCompleted);

        clock.FireAll();
        IReadOnlyList<AckResult<bool>> entries = await results.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, entries.Count);
        AckResult<bool> answered = Assert.Single(entries, e => e.SocketId == answers.Sid);
        Assert.Equal(AckStatus.Acknowledged, answered.Status);
        Assert.True(answered.Value);
        AckResult<bool> wrong = Assert.Single(entries, e => e.SocketId == invalid.Sid);
        Assert.Equal(AckStatus.Invalid, wrong.Status);
        Assert.IsType<SocketIOArgumentException>(wrong.Error);
        Assert.Equal(AckStatus.Disconnected, Assert.Single(entries, e => e.SocketId == leaves.Sid).Status);
        AckResult<bool> timedOut = Assert.Single(entries, e => e.SocketId == silent.Sid);
        Assert.Equal(AckStatus.TimedOut, timedOut.Status);
        Assert.False(timedOut.TryGetValue(out _));
        Assert.Contains("did not acknowledge in time", Assert.Throws<InvalidOperationException>(() => timedOut.Value).Message, StringComparison.Ordinal);
        Assert.Equal(0, host.IO.Diagnostics.PendingAckCount);

        // The silent client's late answer finds no entry and changes nothing.
        await silent.SendAsync($"3{id}[false]");
        await silent.SendAsync("2[\"echo\",\"still here\"]");
        Assert.Equal(0, host.IO.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task EveryoneAnswers_CompletesBeforeTheTimeout_AndEmptyAcksSayWhoAnswered()
    {
        var clock = new ManualTimeoutClock(ManualTimeout);
        await using TestHost host = await StartAsync(clock);
        await using RawClient first = await RawClient.ConnectAsync(host.Address);
        await using RawClient second = await RawClient.ConnectAsync(host.Address);
        SocketIONamespace<ITestServer, ITestClient> ns = host.IO.Of<ITestServer, ITestClient>("/");

        Task<IReadOnlyList<AckResult<bool>>> results = ns.To("room").Timeout(ManualTimeout).Emit.Confirm("all?");
        string id = AckId(await first.ReceiveTextAsync());
        Assert.Equal(id, AckId(await second.ReceiveTextAsync()));
        await second.SendAsync($"3{id}[false]");
        await first.SendAsync($"3{id}[true]");

        IReadOnlyList<AckResult<bool>> entries = await results.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(
            new[] { (first.Sid, true), (second.Sid, false) }.OrderBy(e => e.Sid, StringComparer.Ordinal),
            entries.Select(e => (Sid: e.SocketId!, e.Value)).OrderBy(e => e.Sid, StringComparer.Ordinal));
        Assert.Equal(0, host.IO.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task NoTimeoutGiven_UsesTheServersDefault_OrSaysHowToGiveOne()
    {
        var clock = new ManualTimeoutClock(ManualTimeout);
        await using (TestHost host = await StartAsync(clock, o => o.DefaultBroadcastAckTimeout = ManualTimeout))
        {
            await using RawClient client = await RawClient.ConnectAsync(host.Address);
            Task<IReadOnlyList<AckResult<bool>>> results = host.IO.Of<ITestServer, ITestClient>("/").To("room").Emit.Confirm("default?");
            Assert.NotEqual(string.Empty, AckId(await client.ReceiveTextAsync()));
            clock.FireAll();
            AckResult<bool> entry = Assert.Single(await results.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal((client.Sid, AckStatus.TimedOut), (entry.SocketId, entry.Status));
        }

        await using (TestHost host = await StartAsync(clock))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.IO.Of<ITestServer, ITestClient>("/").To("room").Emit.Confirm("none?"));
            Assert.Contains("DefaultBroadcastAckTimeout", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cancelled_TheTaskIsCancelled_AndEveryWaitingEntryRemoved()
    {
        var clock = new ManualTimeoutClock(ManualTimeout);
        await using TestHost host = await StartAsync(clock);
        await using RawClient first = await RawClient.ConnectAsync(host.Address);
        await using RawClient second = await RawClient.ConnectAsync(host.Address);
        using var cancel = new CancellationTokenSource();

        Task<IReadOnlyList<AckResult<bool>>> results =
            host.IO.Of<ITestServer, ITestClient>("/").To("room").Timeout(ManualTimeout).Emit.Confirm("cancel?", cancel.Token);
        string id = AckId(await first.ReceiveTextAsync());
        await second.ReceiveTextAsync();
        await first.SendAsync($"3{id}[true]");
        await WaitUntilAsync(() => host.IO.Diagnostics.PendingAckCount == 1);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => results.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, host.IO.Diagnostics.PendingAckCount);
    }

    [Fact]
    public async Task NobodyInTheRoom_CompletesAtOnceWithNoEntry()
    {
        await using TestHost host = await StartAsync(new ManualTimeoutClock(ManualTimeout));
        IReadOnlyList<AckResult<bool>> entries =
            await host.IO.Of<ITestServer, ITestClient>("/").To("empty").Timeout(ManualTimeout).Emit.Confirm("anyone?").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(entries);
    }

    private static Task<TestHost> StartAsync(ManualTimeoutClock clock, Action<SocketIOServerOptions>? configure = null) =>
        TestHost.StartAsync(
            app => app.MapSocketIO<ITestServer, ITestClient>("/", ns => ns.OnConnection(socket => socket.Join("room"))),
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                if (configure is not null)
                {
                    services.Configure(configure);
                }
            });

    // "2<id>[\"confirm\",…]" → "<id>"
    private static string AckId(string packet) => packet[1..packet.IndexOf('[', StringComparison.Ordinal)];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>The system clock, except that timers created with one due time wait for <see cref="FireAll"/>.</summary>
    private sealed class ManualTimeoutClock(TimeSpan manualDueTime) : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != manualDueTime)
            {
                return System.CreateTimer(callback, state, dueTime, period);
            }

            var timer = new ManualTimer(callback, state);
            lock (_timers)
            {
                _timers.Add(timer);
            }

            return timer;
        }

        public void FireAll()
        {
            ManualTimer[] timers;
            lock (_timers)
            {
                timers = [.. _timers];
                _timers.Clear();
            }

            foreach (ManualTimer timer in timers)
            {
                timer.Fire();
            }
        }

        private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
        {
            private bool _disposed;

            public void Fire()
            {
                if (!Volatile.Read(ref _disposed))
                {
                    callback(state);
                }
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => !_disposed;

            public void Dispose() => Volatile.Write(ref _disposed, true);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
