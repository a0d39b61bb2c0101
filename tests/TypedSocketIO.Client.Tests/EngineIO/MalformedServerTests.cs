using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TypedSocketIO.Client.EngineIO;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>A hand-written polling endpoint that answers what a test tells it to, for malformed input; and the custom HTTP handler.</summary>
public sealed class MalformedServerTests
{
    private const string Open = "0{\"sid\":\"s1\",\"upgrades\":[],\"pingInterval\":5000,\"pingTimeout\":5000,\"maxPayload\":1000}";

    [Theory]
    [InlineData("hello")]
    [InlineData("0{\"sid\":\"s1\"}")]
    [InlineData("0not json")]
    [InlineData("4message before open")]
    public async Task InvalidHandshake_ThrowsEngineIOClientException(string handshake)
    {
        await using WebApplication app = await StartAsync(handshake, "6");
        var handler = new RecordingClientHandler();
        await using var session = new EngineIOClientSession(Options(app), handler, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<EngineIOClientException>(() => session.OpenAsync(CancellationToken.None));
        Assert.IsType<EngineIOProtocolException>(error.InnerException);
        Assert.Equal(0, handler.CloseCount);
    }

    [Theory]
    [InlineData("9what")]
    [InlineData("4ok\u001e")]
    [InlineData("b!!!notbase64")]
    public async Task MalformedPollingPayload_ClosesWithParseError(string poll)
    {
        await using WebApplication app = await StartAsync(Open, poll);
        var handler = new RecordingClientHandler();
        await using var session = new EngineIOClientSession(Options(app), handler, NullLogger.Instance);
        await session.OpenAsync(CancellationToken.None);

        (string reason, Exception? error) = await handler.WaitClosedAsync();
        Assert.Equal("parse error", reason);
        Assert.IsType<EngineIOProtocolException>(error);
        Assert.Equal(1, handler.CloseCount);
    }

    [Fact]
    public async Task PacketsAfterTheOpenPacket_InTheHandshakePayload_AreDelivered()
    {
        await using WebApplication app = await StartAsync(Open + "\u001e4first\u001ebAQI=", "4second");
        var handler = new RecordingClientHandler();
        await using var session = new EngineIOClientSession(Options(app), handler, NullLogger.Instance);
        await session.OpenAsync(CancellationToken.None);

        Assert.Equal("text first", await handler.NextAsync());
        Assert.Equal("binary 0102", await handler.NextAsync());
        Assert.Equal("text second", await handler.NextAsync());
    }

    [Fact]
    public async Task CustomHttpMessageHandler_CarriesEveryRequestAndTheWebSocketHandshake()
    {
        await using var server = await EngineIOEchoServer.StartAsync();
        using var counting = new CountingHandler();
        var handler = new RecordingClientHandler();
        EngineIOClientOptions options = TestSessions.Options(server.BaseUri, TransportMode.Upgrade, o => new EngineIOClientOptions
        {
            ServerUri = o.ServerUri,
            Path = o.Path,
            HttpMessageHandler = counting,
        });
        await using EngineIOClientSession session = await TestSessions.OpenAsync(options, handler, TransportMode.Upgrade);
        Assert.True(session.TrySend(EngineIOMessage.Text("x"u8.ToArray())));
        Assert.Equal("text x", await handler.NextAsync());

        Assert.Contains(counting.Requests, r => r.StartsWith("GET http://", StringComparison.Ordinal) && r.Contains("transport=polling", StringComparison.Ordinal));
        Assert.Contains(counting.Requests, r => r.Contains("transport=websocket", StringComparison.Ordinal));
    }

    private static EngineIOClientOptions Options(WebApplication app) => new()
    {
        ServerUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        Path = "/fake/",
        AllowWebSocket = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Answers the handshake GET with <paramref name="handshake"/>, the first poll with <paramref name="poll"/>, later polls after a while with a noop.</summary>
    private static async Task<WebApplication> StartAsync(string handshake, string poll)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        int polls = 0;
        app.MapGet("/fake/", async context =>
        {
            if (!context.Request.Query.ContainsKey("sid"))
            {
                await context.Response.WriteAsync(handshake);
            }
            else if (Interlocked.Increment(ref polls) == 1)
            {
                await context.Response.WriteAsync(poll);
            }
            else
            {
                await Task.Delay(200, context.RequestAborted);
                await context.Response.WriteAsync("6");
            }
        });
        app.MapPost("/fake/", context => context.Response.WriteAsync("ok"));
        await app.StartAsync();
        return app;
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public CountingHandler()
            : base(new SocketsHttpHandler())
        {
        }

        public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request.Method + " " + request.RequestUri);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
