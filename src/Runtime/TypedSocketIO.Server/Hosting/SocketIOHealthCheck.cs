using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TypedSocketIO.Server;

/// <summary>
/// The health of the Socket.IO server: unhealthy once it is shutting down; degraded when its adapter cannot reach the rest of
/// its cluster (the main namespace's server count fails or takes longer than the timeout); healthy otherwise. The report's
/// data carries the server's counters (connections, sockets, rooms, pending acknowledgements, protocol errors, servers).
/// </summary>
internal sealed class SocketIOHealthCheck(SocketIOServer server, TimeSpan adapterTimeout) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        SocketIOServerDiagnostics diagnostics = server.Diagnostics;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["connections"] = diagnostics.ConnectionCount,
            ["sockets"] = diagnostics.SocketCount,
            ["rooms"] = diagnostics.RoomCount,
            ["pendingAcks"] = diagnostics.PendingAckCount,
            ["protocolErrors"] = diagnostics.ProtocolErrorCount,
        };

        if (diagnostics.IsShuttingDown)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The Socket.IO server is shutting down.", data: data);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(adapterTimeout);
        try
        {
            int servers = await server.MainNamespace.Adapter.ServerCountAsync(timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            data["servers"] = servers;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded(
                $"The Socket.IO adapter did not say how many servers the cluster has within {adapterTimeout.TotalMilliseconds} ms.", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Degraded("The Socket.IO adapter cannot reach its cluster: " + ex.Message, ex, data);
        }

        return HealthCheckResult.Healthy(
            $"{diagnostics.ConnectionCount} connection(s), {diagnostics.SocketCount} socket(s), {data["servers"]} server(s).", data);
    }
}
