using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>CORS is ASP.NET Core's: a policy on the endpoint answers preflights and marks allowed origins, and nothing else does.</summary>
public sealed class CorsTests
{
    [Fact]
    public async Task EndpointPolicy_AllowsItsOriginOnly_AndAnswersPreflight()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddCors(),
            app =>
            {
                app.UseCors();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler())
                    .RequireCors(policy => policy.WithOrigins("http://allowed.example").AllowCredentials().AllowAnyHeader().AllowAnyMethod());
            });
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(15) };

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/engine.io/?EIO=4&transport=polling");
        preflight.Headers.Add("Origin", "http://allowed.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using HttpResponseMessage preflightResponse = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.Equal("http://allowed.example", preflightResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/engine.io/?EIO=4&transport=polling");
        allowed.Headers.Add("Origin", "http://allowed.example");
        using HttpResponseMessage allowedResponse = await http.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, allowedResponse.StatusCode);
        Assert.Equal("http://allowed.example", allowedResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", allowedResponse.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        using var other = new HttpRequestMessage(HttpMethod.Get, "/engine.io/?EIO=4&transport=polling");
        other.Headers.Add("Origin", "http://evil.example");
        using HttpResponseMessage otherResponse = await http.SendAsync(other);
        Assert.False(otherResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WebSocketHandshake_FromAnOriginThePolicyRefuses_IsForbidden_OthersConnect(bool kestrelTransport)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services => services.AddCors().AddEngineIO(),
            app =>
            {
                app.UseCors();
                app.MapEngineIO("/engine.io/", new RecordingEchoHandler(), o => o.KestrelWebSocketTransport = kestrelTransport)
                    .RequireCors(policy => policy.WithOrigins("http://allowed.example"));
            });
        var uri = new Uri($"ws://{server.Url.Authority}/engine.io/?EIO=4&transport=websocket");

        using var evil = new System.Net.WebSockets.ClientWebSocket();
        evil.Options.SetRequestHeader("Origin", "http://evil.example");
        evil.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => evil.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, evil.HttpStatusCode);

        using var allowed = new System.Net.WebSockets.ClientWebSocket();
        allowed.Options.SetRequestHeader("Origin", "http://allowed.example");
        await allowed.ConnectAsync(uri, CancellationToken.None);
        Assert.StartsWith("0{", await allowed.ReceiveTextAsync(), StringComparison.Ordinal);

        using var noOrigin = new System.Net.WebSockets.ClientWebSocket();
        await noOrigin.ConnectAsync(uri, CancellationToken.None);
        Assert.StartsWith("0{", await noOrigin.ReceiveTextAsync(), StringComparison.Ordinal);
        int accepted = server.Services.GetRequiredService<TypedSocketIO.EngineIO.Internal.WebSockets.KestrelWebSocketEndpoints>().Find("/engine.io")?.Accepted ?? 0;
        Assert.Equal(kestrelTransport ? 2 : 0, accepted);
    }
}
