using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>CORS is ASP.NET Core's: a policy on the endpoint answers preflights and marks allowed origins, and nothing else does.</summary>
public sealed class CorsTests
{
    [Fact]
    public async Task EndpointPolicy_AllowsItsOriginOnly_AndAnswersPreflight()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCors();
        await using WebApplication app = builder.Build();
        app.UseCors();
        app.MapEngineIO("/engine.io/", new RecordingEchoHandler())
            .RequireCors(policy => policy.WithOrigins("http://allowed.example").AllowCredentials().AllowAnyHeader().AllowAnyMethod());
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(15) };

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

        await app.StopAsync();
    }
}
