using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// Connection state recovery on our server against the official JavaScript client while the server emits without pause: the
/// client cuts its own connection again and again and must get every event once, in order
/// (tests/interop-node/recovery-race-client.mjs).
/// </summary>
public sealed class OurRecoveryRaceTests
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task OfficialJavaScriptClient_CutRepeatedlyWhileTheServerEmits_GetsEveryEventOnce_InOrder(string transport)
    {
        using var stop = new CancellationTokenSource();
        int emitted = 0;
        await using LoopbackServer server = await LoopbackServer.StartAsync(
            services =>
            {
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
                services.AddSocketIO(o => o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions());
            },
            app => app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.On("stop", (_, ack) =>
            {
                stop.Cancel();
                ack.Send(Volatile.Read(ref emitted) - 1);
                return ValueTask.CompletedTask;
            }))));
        SocketIOServer io = server.Services.GetRequiredService<SocketIOServer>();
        Task ticker = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Only once the client is there: it expects every tick from the first it gets.
                if (io.MainNamespace.Sockets.Count != 0 || Volatile.Read(ref emitted) > 0)
                {
                    io.Emit("tick", emitted);
                    Interlocked.Increment(ref emitted);
                }

                await Task.Delay(1);
            }
        });

        await using NodeScript js = NodeScript.Start("recovery-race-client.mjs", server.Url.ToString(), transport, "15");
        JsonElement result = await js.WaitForLineAsync(l => l.TryGetProperty("ok", out _), TimeSpan.FromSeconds(90));
        stop.Cancel();
        await ticker;

        Assert.True(result.GetProperty("ok").GetBoolean(), result.GetRawText() + "\n" + js.Describe() + "\n" + server.Logs.Tail());
        Assert.Equal(15, result.GetProperty("recoveredConnects").GetInt32());
    }
}
