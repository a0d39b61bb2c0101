using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.SocketIO;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests;

public sealed class UriQueryTests
{
    [Fact]
    public async Task QueryStringOfTheUri_ReachesTheHandshake_AndOptionsQueryWins()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(),
            app => app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.On("query", (_, ack) =>
            {
                ack.Send(socket.Handshake.Query["token"].ToString(), socket.Handshake.Query["name"].ToString());
                return ValueTask.CompletedTask;
            }))));
        var options = new SocketIOClientOptions { ForceNew = true };
        options.Query["name"] = "from options";

        await using SocketIOClient client = SocketIOClient.Create(new Uri(server.Url, "/?token=a%20b&name=from+uri"), options);
        await client.ConnectAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        SocketIOArguments answer = await client.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("query");

        Assert.Equal("a b", answer.GetElement(0).GetString());
        Assert.Equal("from options", answer.GetElement(1).GetString());
        Assert.False(options.Query.ContainsKey("token")); // the caller's options are left as they were
    }
}
