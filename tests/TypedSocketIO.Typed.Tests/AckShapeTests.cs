using Microsoft.AspNetCore.Builder;
using TypedSocketIO.Server;

namespace TypedSocketIO.Typed.Tests;

/// <summary>Events the client sends, whose acknowledgements carry several values or none.</summary>
[SocketIOContract(JsonContext = typeof(TestJsonContext))]
public interface IAckShapeServer
{
    /// <summary>Acknowledged with two values: <c>3N["a",1]</c>.</summary>
    Task<(string Text, int Count)> Pair(string text);

    /// <summary>Acknowledged with a value, a user type and a null: three arguments.</summary>
    ValueTask<(int Number, Item Item, string? Note)> Triple(int number);

    /// <summary>Acknowledged with no value: <c>3N[]</c>.</summary>
    Task<ValueTuple> Ping();
}

/// <summary>Events the server sends, whose acknowledgements carry several values or none.</summary>
[SocketIOContract(JsonContext = typeof(TestJsonContext))]
public interface IAckShapeClient
{
    /// <summary>The client answers <c>callback("q!", 14)</c>.</summary>
    Task<(string, int)> Question(string text);

    /// <summary>The client answers <c>callback()</c>.</summary>
    ValueTask<ValueTuple> Bye();
}

/// <summary>The server side as a handler class: the generated dispatcher sends its tuples and empty acknowledgements.</summary>
public sealed class AckShapeHandler : SocketHandler<IAckShapeClient>, IAckShapeServer
{
    public Task<(string Text, int Count)> Pair(string text) => Task.FromResult((text, text.Length));

    public ValueTask<(int Number, Item Item, string? Note)> Triple(int number) => ValueTask.FromResult((number, new Item("n", number), (string?)null));

    public Task<ValueTuple> Ping() => Task.FromResult(default(ValueTuple));
}

/// <summary>Tuple and empty acknowledgements through the generated code, both ways, against the exact bytes on the wire.</summary>
public sealed class AckShapeTests
{
    [Fact]
    public async Task ServerToClient_TupleAck_ReadsEachArgumentInOrder()
    {
        var answer = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<IAckShapeServer, IAckShapeClient>("/", ns => ns.OnConnection(async socket =>
        {
            answer.TrySetResult(await socket.Timeout(TimeSpan.FromSeconds(10)).Emit.Question("q?"));
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        Assert.Equal("20[\"question\",\"q?\"]", await client.ReceiveTextAsync());
        await client.SendAsync("30[\"q!\",14]");
        Assert.Equal(("q!", 14), await answer.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ServerToClient_TupleAckMissingAnArgument_FailsWithTheArgumentIndex()
    {
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<IAckShapeServer, IAckShapeClient>("/", ns => ns.OnConnection(async socket =>
        {
            try
            {
                await socket.Timeout(TimeSpan.FromSeconds(10)).Emit.Question("q?");
            }
            catch (Exception ex)
            {
                failure.TrySetResult(ex);
            }
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        Assert.Equal("20[\"question\",\"q?\"]", await client.ReceiveTextAsync());
        await client.SendAsync("30[\"q!\"]");
        SocketIOArgumentException error = Assert.IsType<SocketIOArgumentException>(await failure.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("question", error.EventName);
        Assert.Equal(1, error.Index);
    }

    [Fact]
    public async Task ServerToClient_EmptyAck_CompletesOnAnAckWithNoArgument()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<IAckShapeServer, IAckShapeClient>("/", ns => ns.OnConnection(async socket =>
        {
            await socket.Timeout(TimeSpan.FromSeconds(10)).Emit.Bye();
            done.TrySetResult();
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        Assert.Equal("20[\"bye\"]", await client.ReceiveTextAsync());
        await client.SendAsync("30[]");
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ClientToServer_Listeners_AnswerWithTheTupleElementsOrNothing()
    {
        await using TestHost host = await TestHost.StartAsync(app => app.MapSocketIO<IAckShapeServer, IAckShapeClient>("/", ns => ns.OnConnection(socket =>
        {
            socket.On.Pair(text => (text, 1));
            socket.On.Triple(async number =>
            {
                await Task.Yield();
                return (number, new Item("x", number * 2), "note");
            });
            socket.On.Ping(() => { });
        })));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        await client.SendAsync("21[\"pair\",\"a\"]");
        Assert.Equal("31[\"a\",1]", await client.ReceiveTextAsync());

        await client.SendAsync("22[\"triple\",7]");
        Assert.Equal("32[7,{\"name\":\"x\",\"count\":14},\"note\"]", await client.ReceiveTextAsync());

        await client.SendAsync("23[\"ping\"]");
        Assert.Equal("33[]", await client.ReceiveTextAsync());

        // No ack asked for: nothing is sent; the next packet is the answer to the next ack.
        await client.SendAsync("2[\"ping\"]");
        await client.SendAsync("24[\"pair\",\"b\"]");
        Assert.Equal("34[\"b\",1]", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task ClientToServer_HandlerClass_AnswersWithTheTupleElementsOrNothing()
    {
        await using TestHost host = await TestHost.StartAsync(app =>
            app.MapSocketIO<IAckShapeServer, IAckShapeClient>("/", ns => ns.UseHandler<AckShapeHandler>()));
        await using RawClient client = await RawClient.ConnectAsync(host.Address);

        await client.SendAsync("25[\"pair\",\"abc\"]");
        Assert.Equal("35[\"abc\",3]", await client.ReceiveTextAsync());

        await client.SendAsync("26[\"triple\",2]");
        Assert.Equal("36[2,{\"name\":\"n\",\"count\":2},null]", await client.ReceiveTextAsync());

        await client.SendAsync("27[\"ping\"]");
        Assert.Equal("37[]", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Broadcast_TupleAndEmptyAcks_CollectOneEntryPerRecipient()
    {
        await using TestHost host = await TestHost.StartAsync(app =>
            app.MapSocketIO<IAckShapeServer, IAckShapeClient>("/", ns => ns.OnConnection(socket => socket.Join("room"))));
        await using RawClient first = await RawClient.ConnectAsync(host.Address);
        await using RawClient second = await RawClient.ConnectAsync(host.Address);
        SocketIONamespace<IAckShapeServer, IAckShapeClient> ns = host.IO.Of<IAckShapeServer, IAckShapeClient>("/");

        Task<IReadOnlyList<AckResult<(string, int)>>> answers = ns.To("room").Timeout(TimeSpan.FromSeconds(10)).Emit.Question("all?");
        string packet = await first.ReceiveTextAsync();
        Assert.Equal(packet, await second.ReceiveTextAsync());
        string id = packet[1..packet.IndexOf('[', StringComparison.Ordinal)];
        await first.SendAsync($"3{id}[\"one\",1]");
        await second.SendAsync($"3{id}[\"two\",2]");
        IReadOnlyList<AckResult<(string, int)>> results = await answers.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(
            [(first.Sid, ("one", 1)), (second.Sid, ("two", 2))],
            results.Select(r => (r.SocketId, r.Value)).OrderBy(r => r.Item2).ToArray());

        Task<IReadOnlyList<AckResult>> byes = ns.To("room").Timeout(TimeSpan.FromSeconds(10)).Emit.Bye();
        packet = await first.ReceiveTextAsync();
        Assert.Equal(packet, await second.ReceiveTextAsync());
        id = packet[1..packet.IndexOf('[', StringComparison.Ordinal)];
        await first.SendAsync($"3{id}[]");
        await second.SendAsync($"3{id}[]");
        IReadOnlyList<AckResult> byeResults = await byes.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(
            new[] { first.Sid, second.Sid }.Order(),
            byeResults.Where(r => r.Status == AckStatus.Acknowledged).Select(r => r.SocketId).Order());
        Assert.Equal(2, byeResults.Count);
    }
}
