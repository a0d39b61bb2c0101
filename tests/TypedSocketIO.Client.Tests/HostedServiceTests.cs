using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Client.Tests.Functional;

namespace TypedSocketIO.Client.Tests;

/// <summary>The client as a .NET developer uses it in a worker: a BackgroundService of the Generic Host, with its logging.</summary>
public sealed class HostedServiceTests
{
    [Fact]
    public async Task TypedClient_InABackgroundService_ConnectsCallsWithAckAndDisconnectsWhenTheHostStops()
    {
        await using OurSuiteServer server = await OurSuiteServer.StartAsync();
        var probe = new WorkerProbe(server.Uri);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(probe);
        builder.Services.AddHostedService<AddingWorker>();
        using IHost host = builder.Build();

        await host.StartAsync();
        Assert.Equal(5, await probe.Sum.Task.WaitAsync(TimeSpan.FromSeconds(20)));

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stopping.Token);
        Assert.Equal("io client disconnect", await probe.Disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public sealed class WorkerProbe(Uri server)
    {
        public Uri Server { get; } = server;

        public TaskCompletionSource<int> Sum { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class AddingWorker(WorkerProbe probe, ILoggerFactory loggers) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await using var client = SocketIOClient.Create<ITestClient, ITestServer>(
                probe.Server, new SocketIOClientOptions { LoggerFactory = loggers, ForceNew = true });
            client.Disconnected += reason => probe.Disconnected.TrySetResult(reason);
            await client.ConnectAsync(stoppingToken);
            Sum sum = await client.Timeout(TimeSpan.FromSeconds(10)).Emit.Add(2, 3, stoppingToken);
            probe.Sum.TrySetResult(sum.Value);
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // The host is stopping: leaving the using disconnects the client.
            }
        }
    }
}
