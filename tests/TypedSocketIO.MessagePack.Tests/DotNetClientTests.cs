using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.Client;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.MessagePack.Tests;

/// <summary>Our .NET client with the msgpack parser against the official socket.io 4.8.4 server with socket.io-msgpack-parser 3.0.2.</summary>
public sealed class DotNetClientTests
{
    [Theory]
    [InlineData(SocketIOClientTransports.WebSocket)]
    [InlineData(SocketIOClientTransports.Polling)]
    [InlineData(SocketIOClientTransports.All)]
    public async Task OurClientWithTheMsgpackParser_TalksToTheNodeServer(SocketIOClientTransports transports)
    {
        await using NodeScript server = NodeScript.Start("msgpack-server.mjs");
        JsonElement listening = await server.WaitForLineAsync(l => l.GetProperty("event").GetString() == "listening", TimeSpan.FromSeconds(30));
        var url = new Uri($"http://127.0.0.1:{listening.GetProperty("port").GetInt32()}");

        await using SocketIOClient client = SocketIOClient.Create(url, new SocketIOClientOptions
        {
            Parser = SocketIOMessagePackParser.Instance,
            Transports = transports,
            Reconnection = false,
        });
        var hello = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new TaskCompletionSource<SocketIOArguments>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On("hello", args => hello.TrySetResult(args));
        client.On("answered", args => answered.TrySetResult(args));
        client.On("question", (args, ack) =>
        {
            ack.Send(args.GetElement(0).GetInt32() * 2, new byte[] { 7 });
            return ValueTask.CompletedTask;
        });
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30));

        SocketIOArguments greeting = await hello.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("/", greeting.GetElement(0).GetString());
        Assert.Equal(new byte[] { 0xca, 0xfe }, greeting.GetBinary(1).ToArray());
        Assert.Equal(1, greeting.GetElement(2).GetProperty("n").GetInt32());

        SocketIOArguments echoed = await client.Timeout(TimeSpan.FromSeconds(30))
            .EmitWithAckAsync("echo", "text ✓", 42, 1.5, new JsonObject { ["k"] = new JsonArray(1, "v") }, new byte[] { 4, 5, 6 });
        Assert.Equal(5, echoed.Count);
        Assert.Equal("text ✓", echoed.GetElement(0).GetString());
        Assert.Equal(42, echoed.GetElement(1).GetInt32());
        Assert.Equal(1.5, echoed.GetElement(2).GetDouble());
        Assert.Equal("""{"k":[1,"v"]}""", echoed.GetElement(3).GetRawText());
        Assert.Equal(new byte[] { 4, 5, 6 }, echoed.GetBinary(4).ToArray());

        client.Emit("ask", 21);
        SocketIOArguments answer = await answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(42, answer.GetElement(0).GetInt32());
    }
}
