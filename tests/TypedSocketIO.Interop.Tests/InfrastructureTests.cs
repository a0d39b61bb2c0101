using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TypedSocketIO.Interop.Tests.Infrastructure;

namespace TypedSocketIO.Interop.Tests;

/// <summary>The helpers the interop tests stand on.</summary>
public sealed class InfrastructureTests
{
    [Fact]
    public async Task Test_server_listens_on_a_free_loopback_port()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { }, app => app.MapGet("/ping", () => "pong"));
        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.NotEqual(0, server.Url.Port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync(new Uri(server.Url, "/ping"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pong", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Client_script_reports_usage_errors_on_stderr()
    {
        var result = await NodeScript.RunAsync("client.mjs", ["no-such-scenario", "http://127.0.0.1:9"], TimeSpan.FromSeconds(20));
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("unknown scenario", result.StdErr, StringComparison.Ordinal);
        Assert.Throws<NodeScriptFailedException>(() => result.AssertSuccess());
    }

    [Fact]
    public async Task Client_script_fails_clearly_when_nothing_listens()
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        var result = await NodeScript.RunAsync("client.mjs", ["emit-ack", "http://127.0.0.1:9", "--transports", "websocket"], TimeSpan.FromSeconds(20));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("connect_error", result.StdErr, StringComparison.Ordinal);
        Assert.Single(result.Events("failed"));
    }

    [Fact]
    public async Task Runner_kills_a_script_that_outlives_its_timeout()
    {
        // The client's own hard timeout is 60 s here; the runner's 2 s must win and kill it.
        await using var server = await LoopbackServer.StartAsync(_ => { }, app => app.Map("/socket.io/", (HttpContext _) => Task.Delay(Timeout.Infinite)));
        var result = await NodeScript.RunAsync(
            "client.mjs", ["emit-ack", server.BaseAddress, "--transports", "polling", "--timeout", "60000"], TimeSpan.FromSeconds(2));
        Assert.True(result.TimedOut, result.Describe());
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }
}
