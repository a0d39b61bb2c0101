using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// An Engine.IO server lives as long as its application: stopping the host closes its sessions with <c>server shutting down</c>
/// (a waiting poll gets the close packet), and afterwards no heartbeat timer is left, with <c>AddEngineIO()</c> (the container
/// owns the server) and without it (the host's lifetime events start the same steps, no thread waiting on them).
/// </summary>
public sealed class ServerLifetimeTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoppingTheHost_ClosesTheSessions_AndLeavesNoHeartbeatTimer(bool addEngineIO)
    {
        var handler = new RecordingEchoHandler();
        EngineIOServer? engine = null;
        LoopbackServer server = await LoopbackServer.StartAsync(
            services =>
            {
                if (addEngineIO)
                {
                    services.AddEngineIO();
                }
            },
            app => EngineIOEndpointRouteBuilderExtensions.MapEngineIO(app, "/engine.io/", handler, new EngineIOOptions(), out engine));
        Assert.True(engine!.IsHeartbeatRunning);

        using var http = new HttpClient { BaseAddress = server.Url };
        string open = await http.GetStringAsync("/engine.io/?EIO=4&transport=polling");
        string sid = System.Text.Json.JsonDocument.Parse(open[1..]).RootElement.GetProperty("sid").GetString()!;
        Task<string> pendingPoll = http.GetStringAsync($"/engine.io/?EIO=4&transport=polling&sid={sid}");
        // The poll must be waiting on the server (not merely sent) when the host stops, or it may arrive after the session is gone.
        await WaitUntilAsync(() => engine.TryGetConnection(sid, out EngineIOConnection? session) && IsPollPending(session));

        await server.DisposeAsync(); // stops the host, then disposes the application

        Assert.Equal("1", await pendingPoll.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("server shutting down", (await handler.WaitClosedAsync()).Reason);
        await WaitUntilAsync(() => !engine.IsHeartbeatRunning); // without AddEngineIO the disposal is started, not awaited, by the host
        Assert.Equal(0, engine.SessionCount);
    }

    private static bool IsPollPending(EngineIOConnection session)
    {
        lock (session.SyncRoot)
        {
            return session.Polling is { IsGetPendingUnderLock: true };
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
