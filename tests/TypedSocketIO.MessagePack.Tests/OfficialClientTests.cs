using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.MessagePack.Tests;

/// <summary>The official socket.io-client 4.8.4 with the official socket.io-msgpack-parser 3.0.2 against our server set to the msgpack parser.</summary>
public sealed class OfficialClientTests
{
    [Fact]
    public async Task OfficialClientWithTheMsgpackParser_TalksToOurServer_OverEveryTransport()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(o => o.Parser = SocketIOMessagePackParser.Instance),
            app => app.MapSocketIO("/", ns => ns.OnConnection(socket =>
            {
                // A broadcast (to the socket's own room): the packet the adapter encodes once, transcoded once by the parser.
                socket.Namespace.To(socket.Id).Emit("hello", "/", new byte[] { 0xca, 0xfe }, new JsonObject { ["n"] = 1 });
                socket.On("echo", (args, ack) =>
                {
                    ack.Send(args, ArgumentEcho.WriteAll);
                    return ValueTask.CompletedTask;
                });
                socket.On("ask", args => _ = AskAsync(socket, args.GetElement(0).GetInt32()));
            })));

        await using NodeScript client = NodeScript.Start("msgpack-client.mjs", "client", server.BaseAddress);
        await client.WaitForLineAsync(l => l.TryGetProperty("event", out JsonElement e) && e.GetString() is "done" or "failed", TimeSpan.FromSeconds(60));
        string output = string.Join('\n', client.Lines.Select(l => l.GetRawText()));
        Assert.DoesNotContain("\"failed\"", output, StringComparison.Ordinal);

        JsonElement[] hello = [.. client.Lines.Where(l => l.GetProperty("event").GetString() == "hello")];
        Assert.Equal(["websocket", "polling", "polling+websocket"], hello.Select(h => h.GetProperty("transports").GetString()));
        Assert.All(hello, h => Assert.Equal("""["/",{"$binary":"cafe"},{"n":1}]""", h.GetProperty("args").GetRawText()));

        JsonElement[] echo = [.. client.Lines.Where(l => l.GetProperty("event").GetString() == "echo")];
        Assert.Equal(3, echo.Length);
        Assert.All(echo, e => Assert.Equal(
            """["text ✓",42,1.5,{"deep":{"buf":{"$binary":"0102"},"list":[{"$binary":"03"}]}},{"$binary":"040506"}]""",
            e.GetProperty("args").GetRawText()));

        JsonElement[] answered = [.. client.Lines.Where(l => l.GetProperty("event").GetString() == "answered")];
        Assert.All(answered, a => Assert.Equal("""[42,{"$binary":"07"}]""", a.GetProperty("args").GetRawText()));
        Assert.Equal(["websocket", "polling", "websocket"], client.Lines.Where(l => l.GetProperty("event").GetString() == "transport").Select(l => l.GetProperty("name").GetString()));
        Assert.Equal("Invalid namespace", client.Lines.Single(l => l.GetProperty("event").GetString() == "connect_error").GetProperty("message").GetString());
    }

    private static async Task AskAsync(SocketIOSocket socket, int n)
    {
        SocketIOArguments answer = await socket.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("question", n);
        socket.Emit("answered", answer.GetElement(0).GetInt32(), answer.GetBinary(1).ToArray());
    }
}
