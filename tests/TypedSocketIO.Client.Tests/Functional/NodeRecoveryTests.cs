namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>Connection state recovery against the official Node server with <c>connectionStateRecovery</c> on (the same checks against ours: OurRecoveryTests).</summary>
public sealed class NodeRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [MemberData(nameof(ClientSuite.Transports), MemberType = typeof(ClientSuite))]
    public async Task CutConnection_ReconnectsWithPidAndOffset_AndGetsTheMissedEvent(string transport)
    {
        await using NodeSuiteServer server = await NodeSuiteServer.StartAsync("--recovery");
        await using SocketIOClient client = SocketIOClient.Create(server.Uri, OurRecoveryTests.Options(transport));
        var missed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int connects = 0;
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("missed", args => missed.TrySetResult(args.GetElement(0).GetString()));
        client.Disconnected += r => disconnected.TrySetResult(r);
        client.Connected += () =>
        {
            if (Interlocked.Increment(ref connects) == 2)
            {
                reconnected.TrySetResult();
            }
        };
        await client.ConnectAsync().WaitAsync(Wait);
        string? id = client.Id;
        Assert.False(client.IsRecovered);

        // An event first, so that the client holds an offset (the server appends one to each event it emits).
        var welcome = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("welcome", args => welcome.TrySetResult(args.Count));
        client.Emit("hello", "ada");
        Assert.Equal(3, await welcome.Task.WaitAsync(Wait));   // "hello ada", 1, and the offset

        client.Emit("drop");
        Assert.Equal("transport close", await disconnected.Task.WaitAsync(Wait));
        await reconnected.Task.WaitAsync(Wait);
        Assert.True(client.IsRecovered, server.Describe());
        Assert.Equal(id, client.Id);
        Assert.Equal("while away", await missed.Task.WaitAsync(Wait));
    }
}
