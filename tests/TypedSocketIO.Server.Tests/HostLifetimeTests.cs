using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.Server.Tests;

/// <summary>
/// The server's lifetime is the host's: stopping the host closes every session with the protocol's reason (awaited by the host,
/// no thread blocked), disposing it stops the heartbeat; two hosts of one process share nothing.
/// </summary>
public sealed partial class HostLifetimeTests
{
    [Fact]
    public async Task StoppingTheHost_ClosesSessionsWithServerShuttingDown_DisposingIt_StopsTheHeartbeat()
    {
        var reasons = new List<string>();
        WebApplication app = await StartAsync(app => app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.Disconnected += (_, reason) =>
        {
            lock (reasons)
            {
                reasons.Add(reason);
            }
        })));
        SocketIOServerDiagnostics diagnostics = app.Services.GetRequiredService<SocketIOServer>().Diagnostics;
        Uri address = BaseAddress(app);

        // One socket over WebSocket, one over polling with a poll waiting.
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{address.Authority}/socket.io/?EIO=4&transport=websocket"), CancellationToken.None);
        Assert.StartsWith("0{", await ReceiveAsync(ws), StringComparison.Ordinal);
        await SendAsync(ws, "40");
        Assert.StartsWith("40{\"sid\":", await ReceiveAsync(ws), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = address };
        string sid = SidPattern().Match(await http.GetStringAsync("/socket.io/?EIO=4&transport=polling")).Groups[1].Value;
        string url = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        using (var content = new StringContent("40", Encoding.UTF8, "text/plain"))
        {
            (await http.PostAsync(url, content)).EnsureSuccessStatusCode();
        }

        Assert.StartsWith("40{\"sid\":", await http.GetStringAsync(url), StringComparison.Ordinal);
        Task<string> pendingPoll = http.GetStringAsync(url);
        Assert.Equal(2, diagnostics.SocketCount);
        Assert.Equal(2, diagnostics.EngineIOSessionCount);
        Assert.Equal(1, diagnostics.HeartbeatTimerCount);

        await app.StopAsync();

        // Both sockets learnt "server shutting down"; the pending poll was answered with the Engine.IO close packet; the WebSocket closed.
        Assert.Equal(["server shutting down", "server shutting down"], reasons);
        Assert.Equal("1", await pendingPoll.WaitAsync(TimeSpan.FromSeconds(30)));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var buffer = new byte[256];
            WebSocketReceiveResult last;
            do
            {
                last = await ws.ReceiveAsync(buffer, cts.Token);
            }
            while (last.MessageType != WebSocketMessageType.Close);
        }

        Assert.Equal(0, diagnostics.EngineIOSessionCount);
        Assert.Equal(0, diagnostics.ConnectionCount);
        Assert.True(diagnostics.IsShuttingDown);

        await app.DisposeAsync();
        Assert.Equal(0, diagnostics.HeartbeatTimerCount);
    }

    [Fact]
    public async Task TwoHostsInOneProcess_ShareNothing()
    {
        await using WebApplication first = await StartAsync(app => app.MapSocketIO("/first", ns => ns.OnConnection(socket => socket.Emit("hello", "first"))));
        await using WebApplication second = await StartAsync(app => app.MapSocketIO("/second", ns => ns.OnConnection(socket => socket.Emit("hello", "second"))));
        SocketIOServer io1 = first.Services.GetRequiredService<SocketIOServer>();
        SocketIOServer io2 = second.Services.GetRequiredService<SocketIOServer>();
        Assert.NotSame(io1, io2);

        using ClientWebSocket one = await ConnectAsync(first, "/first");
        Assert.Equal("42/first,[\"hello\",\"first\"]", await ReceiveAsync(one));
        using ClientWebSocket two = await ConnectAsync(second, "/second");
        Assert.Equal("42/second,[\"hello\",\"second\"]", await ReceiveAsync(two));

        // Each host knows only its own namespaces.
        await SendAsync(one, "40/second,");
        Assert.Equal("44/second,{\"message\":\"Invalid namespace\"}", await ReceiveAsync(one));
        Assert.Equal((1, 1), (io1.Diagnostics.SocketCount, io2.Diagnostics.SocketCount));

        // Stopping one leaves the other serving.
        await first.StopAsync();
        await first.DisposeAsync();
        Assert.Equal(0, io1.Diagnostics.HeartbeatTimerCount);
        Assert.Equal(1, io2.Diagnostics.HeartbeatTimerCount);
        using ClientWebSocket again = await ConnectAsync(second, "/second");
        Assert.Equal("42/second,[\"hello\",\"second\"]", await ReceiveAsync(again));
        Assert.Equal(2, io2.Diagnostics.SocketCount);
    }

    [Fact]
    public async Task MapSocketIO_TwiceOnOneApplication_MapsOneEndpoint()
    {
        await using WebApplication app = await StartAsync(app =>
        {
            IEndpointConventionBuilder a = app.MapSocketIO("/a", _ => { });
            IEndpointConventionBuilder b = app.MapSocketIO("/b", _ => { });
            Assert.Same(a, b);
        });
        Assert.Equal(1, app.Services.GetRequiredService<SocketIOServer>().Diagnostics.HeartbeatTimerCount);
    }

    [Fact]
    public async Task InvalidEngineIOOptions_FailWhenTheHostStarts_NamingTheOption()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO(o => o.EngineIO.PingInterval = TimeSpan.Zero);
        await using WebApplication app = builder.Build();

        // Nothing resolves the options before the host starts: ValidateOnStart does.
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("SocketIOServerOptions.EngineIO", error.Message, StringComparison.Ordinal);
        Assert.Contains("PingInterval", error.Message, StringComparison.Ordinal);
    }

    private static async Task<ClientWebSocket> ConnectAsync(WebApplication app, string ns)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{BaseAddress(app).Authority}/socket.io/?EIO=4&transport=websocket"), CancellationToken.None);
        Assert.StartsWith("0{", await ReceiveAsync(ws), StringComparison.Ordinal);
        await SendAsync(ws, "40" + ns + ",");
        Assert.StartsWith("40" + ns + ",{\"sid\":", await ReceiveAsync(ws), StringComparison.Ordinal);
        return ws;
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> map)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO();
        WebApplication app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static Uri BaseAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task SendAsync(ClientWebSocket ws, string text) =>
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next Engine.IO message, pings skipped.</summary>
    private static async Task<string> ReceiveAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[4096];
        while (true)
        {
            WebSocketReceiveResult result = await ws.ReceiveAsync(buffer, cts.Token);
            string text = Encoding.UTF8.GetString(buffer, 0, result.Count);
            if (text != "2")
            {
                return text;
            }
        }
    }

    [GeneratedRegex("\"sid\":\"([^\"]+)\"")]
    private static partial Regex SidPattern();
}
