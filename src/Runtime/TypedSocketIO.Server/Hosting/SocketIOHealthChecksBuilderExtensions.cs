using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TypedSocketIO.Server;

/// <summary>Adds the Socket.IO server to ASP.NET Core health checks.</summary>
public static class SocketIOHealthChecksBuilderExtensions
{
    /// <summary>The default of the adapter timeout of <see cref="AddSocketIOHealthCheck"/>: 2 seconds.</summary>
    public static readonly TimeSpan DefaultAdapterTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Checks the Socket.IO server that <c>AddSocketIO()</c> registered: <paramref name="failureStatus"/> (unhealthy by default) once
    /// it is shutting down, degraded when its adapter cannot reach the rest of its cluster within <paramref name="adapterTimeout"/>
    /// (a Redis adapter whose Redis is down), healthy otherwise; the report's data holds its counters (connections, sockets,
    /// rooms, pending acknowledgements, protocol errors, servers). Map it with <c>app.MapHealthChecks("/healthz")</c>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name; <c>socketio</c> by default.</param>
    /// <param name="failureStatus">The status reported while shutting down; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <param name="adapterTimeout">How long the adapter may take to count the servers; <see cref="DefaultAdapterTimeout"/> by default.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddSocketIOHealthCheck(
        this IHealthChecksBuilder builder,
        string name = "socketio",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? adapterTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        TimeSpan timeout = adapterTimeout ?? DefaultAdapterTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(adapterTimeout));
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new SocketIOHealthCheck(services.GetRequiredService<SocketIOServer>(), timeout),
            failureStatus,
            tags));
    }
}
