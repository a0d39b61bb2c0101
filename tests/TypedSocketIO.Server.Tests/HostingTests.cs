using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TypedSocketIO.Server.Tests;

public sealed partial class HostingTests
{
    [Fact]
    public void MapSocketIO_WithoutAddSocketIO_ThrowsActionableMessage()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        using WebApplication app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapSocketIO());

        Assert.Contains("AddSocketIO()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSocketIO_Twice_RegistersOneServer_AndAppliesConfiguration()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSocketIO(o => o.ConnectTimeout = TimeSpan.FromSeconds(5));
        services.AddSocketIO();
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(SocketIOServer));
        SocketIOServer server = provider.GetRequiredService<SocketIOServer>();
        Assert.Equal(TimeSpan.FromSeconds(5), server.Options.ConnectTimeout);
        Assert.Equal("/socket.io/", server.Options.Path);
        Assert.Same(server, provider.GetRequiredService<SocketIOServer>());
    }

    [Fact]
    public void AddSocketIO_InvalidOptions_FailNamingTheOption()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSocketIO(o =>
        {
            o.ConnectTimeout = TimeSpan.Zero;
            o.MaxPendingAcksPerSocket = 0;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SocketIOServerOptions>>().Value);

        Assert.Contains("SocketIOServerOptions.ConnectTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("SocketIOServerOptions.MaxPendingAcksPerSocket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSocketIO_KeepsAnAdapterFactoryRegisteredBefore()
    {
        var services = new ServiceCollection().AddLogging();
        var factory = new CountingAdapterFactory();
        services.AddSingleton<ISocketIOAdapterFactory>(factory);
        services.AddSocketIO();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<SocketIOServer>().Of("/x");

        Assert.Equal(2, factory.Created);
    }

    [Fact]
    public async Task Polling_ConnectEmitAndAck_ThroughTheRealEndpoint()
    {
        await using WebApplication app = await StartAsync(io => io.OnConnection(socket => socket.On("echo", (args, ack) =>
        {
            ack.Send(args.GetElement(0).GetString());
            return ValueTask.CompletedTask;
        })));
        using var http = new HttpClient { BaseAddress = BaseAddress(app) };

        string open = await http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
        string sid = SidPattern().Match(open).Groups[1].Value;
        string url = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        await PostAsync(http, url, "40");
        Assert.Matches("^40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"\\}$", await http.GetStringAsync(url));
        await PostAsync(http, url, "421[\"echo\",\"hello\"]");
        Assert.Equal("431[\"hello\"]", await http.GetStringAsync(url));

        Assert.Equal(1, app.Services.GetRequiredService<SocketIOServer>().Diagnostics.SocketCount);
    }

    [Fact]
    public async Task WebSocket_NamespacesAndShutdown_ThroughTheRealEndpoint()
    {
        string? reason = null;
        await using WebApplication app = await StartAsync(io => io.Of("/chat").OnConnection(socket =>
        {
            socket.Disconnected += (_, r) => reason = r;
            socket.Emit("welcome", socket.Handshake.Auth.GetProperty("name").GetString());
        }));
        using var ws = new ClientWebSocket();
        var uri = new Uri(BaseAddress(app), "/socket.io/?EIO=4&transport=websocket");
        await ws.ConnectAsync(new UriBuilder(uri) { Scheme = "ws" }.Uri, CancellationToken.None);

        Assert.StartsWith("0{", await ReceiveAsync(ws), StringComparison.Ordinal);
        await SendAsync(ws, "40/chat,{\"name\":\"ann\"}");
        Assert.StartsWith("40/chat,{\"sid\":", await ReceiveAsync(ws), StringComparison.Ordinal);
        Assert.Equal("42/chat,[\"welcome\",\"ann\"]", await ReceiveAsync(ws));
        await SendAsync(ws, "40/missing,");
        Assert.Equal("44/missing,{\"message\":\"Invalid namespace\"}", await ReceiveAsync(ws));

        await app.StopAsync();

        Assert.Equal("server shutting down", reason);
        Assert.Equal(0, app.Services.GetRequiredService<SocketIOServer>().Diagnostics.SocketCount);
    }

    [Fact]
    public async Task WebSocket_ProtocolError_ClosesThatConnectionOnly_ThroughTheRealEndpoint()
    {
        await using WebApplication app = await StartAsync(io => io.OnConnection(socket => socket.On("echo", (args, ack) =>
        {
            ack.Send(args.GetElement(0).GetString());
            return ValueTask.CompletedTask;
        })));
        var uri = new UriBuilder(new Uri(BaseAddress(app), "/socket.io/?EIO=4&transport=websocket")) { Scheme = "ws" }.Uri;
        using var bad = new ClientWebSocket();
        using var good = new ClientWebSocket();
        await bad.ConnectAsync(uri, CancellationToken.None);
        await good.ConnectAsync(uri, CancellationToken.None);
        await ReceiveAsync(bad);
        await ReceiveAsync(good);
        await SendAsync(bad, "40");
        await SendAsync(good, "40");
        await ReceiveAsync(bad);
        await ReceiveAsync(good);

        await SendAsync(bad, "42[\"x\"," + new string('[', 500) + new string(']', 500) + "]");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        WebSocketReceiveResult closing = await bad.ReceiveAsync(new byte[256], cts.Token);
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);
        await SendAsync(good, "421[\"echo\",\"ok\"]");
        Assert.Equal("431[\"ok\"]", await ReceiveAsync(good));
        SocketIOServerDiagnostics diagnostics = app.Services.GetRequiredService<SocketIOServer>().Diagnostics;
        Assert.Equal(1, diagnostics.ProtocolErrorCount);
        Assert.Equal(1, diagnostics.SocketCount);
    }

    private static async Task<WebApplication> StartAsync(Action<SocketIOServer> configure)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSocketIO();
        WebApplication app = builder.Build();
        configure(app.Services.GetRequiredService<SocketIOServer>());
        app.MapSocketIO();
        await app.StartAsync();
        return app;
    }

    private static Uri BaseAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static async Task PostAsync(HttpClient http, string url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        using HttpResponseMessage response = await http.PostAsync(url, content);
        response.EnsureSuccessStatusCode();
    }

    private static async Task SendAsync(ClientWebSocket ws, string text) =>
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
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

    private sealed class CountingAdapterFactory : ISocketIOAdapterFactory
    {
        public int Created { get; private set; }

        public ISocketIOAdapter Create(SocketIONamespace ns)
        {
            Created++;
            return new InMemorySocketIOAdapter(ns);
        }
    }
}
