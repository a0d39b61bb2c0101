using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSocketIO.Server;

namespace TypedSocketIO.AdminUI.Internal;

/// <summary>Instruments the server when the host starts and stops the instrumentation (its timer) when the host stops.</summary>
internal sealed class SocketIOAdminUIHostedService(
    SocketIOServer server, IOptions<SocketIOAdminUIOptions> options, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private AdminUIInstrumentation? _instrumentation;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _instrumentation ??= new AdminUIInstrumentation(server, options.Value, loggerFactory.CreateLogger("TypedSocketIO.AdminUI"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _instrumentation?.Dispose();
        _instrumentation = null;
    }
}
