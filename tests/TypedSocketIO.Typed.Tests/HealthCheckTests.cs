using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TypedSocketIO.Server;
using TypedSocketIO.TestHost;

namespace TypedSocketIO.Typed.Tests;

/// <summary><c>services.AddHealthChecks().AddSocketIOHealthCheck()</c>: the server's state and counters in a health report.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Healthy_WithTheCounters_UnhealthyOnceShuttingDown()
    {
        await using var host = SocketIOTestHost.Create(services => services.AddHealthChecks().AddSocketIOHealthCheck(tags: ["ready"]));
        host.Map<ITestServer, ITestClient>("/", _ => { });
        await using var client = await host.ConnectAsync<ITestClient, ITestServer>();
        HealthCheckService health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReportEntry entry = (await health.CheckHealthAsync()).Entries["socketio"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("1 connection(s), 1 socket(s), 1 server(s).", entry.Description);
        Assert.Equal((1, 1, 1), ((int)entry.Data["connections"], (int)entry.Data["sockets"], (int)entry.Data["servers"]));
        Assert.Contains("ready", entry.Tags);

        await host.IO.ShutdownAsync();
        entry = (await health.CheckHealthAsync()).Entries["socketio"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("The Socket.IO server is shutting down.", entry.Description);
    }

    [Fact]
    public async Task AnAdapterThatCannotReachItsCluster_IsDegraded()
    {
        await using var host = SocketIOTestHost.Create(services =>
        {
            services.AddSingleton<ISocketIOAdapterFactory, UnreachableClusterFactory>();
            services.AddHealthChecks().AddSocketIOHealthCheck();
        });
        HealthReportEntry entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["socketio"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("The Socket.IO adapter cannot reach its cluster: no backplane", entry.Description);
    }

    private sealed class UnreachableClusterFactory : ISocketIOAdapterFactory
    {
        public ISocketIOAdapter Create(SocketIONamespace ns) => new UnreachableCluster(ns);
    }

    private sealed class UnreachableCluster(SocketIONamespace ns) : InMemorySocketIOAdapter(ns)
    {
        public override ValueTask<int> ServerCountAsync(CancellationToken cancellationToken) =>
            ValueTask.FromException<int>(new InvalidOperationException("no backplane"));
    }
}
