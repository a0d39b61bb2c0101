using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TypedSocketIO.EngineIO;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what Engine.IO endpoints need beyond routing: the lean Kestrel WebSocket transport.</summary>
public static class EngineIOServiceCollectionExtensions
{
    /// <summary>
    /// Installs the lean WebSocket transport in front of Kestrel's HTTP server on every endpoint Kestrel listens on (through
    /// <see cref="KestrelServerOptions.ConfigureEndpointDefaults"/>, for <c>--urls</c> and for <c>Listen</c> calls alike), for
    /// the endpoints mapped with <c>MapEngineIO</c> or <c>MapSocketIO</c> whose <c>EngineIOOptions.KestrelWebSocketTransport</c>
    /// is on; and owns the Engine.IO servers that <c>MapEngineIO</c> creates: the host's shutdown closes their sessions with
    /// <c>server shutting down</c> (awaited, no thread blocked) and the container's disposal stops their heartbeat timers.
    /// <c>AddSocketIO</c> calls it. Safe to call twice. An application that sets its own
    /// <see cref="KestrelServerOptions.ConfigureEndpointDefaults"/> replaces it: call <c>UseEngineIOWebSockets()</c> on those
    /// listen options.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddEngineIO(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(KestrelWebSocketEndpoints)))
        {
            return services;
        }

        services.TryAddSingleton<KestrelWebSocketEndpoints>();

        // The mapped servers' owner: stopped with the host (awaited), disposed with the container.
        services.TryAddSingleton<EngineIOServerLifetime>();
        services.AddHostedService(static sp => sp.GetRequiredService<EngineIOServerLifetime>());

        // First of Kestrel's configurations, so that Listen calls made in the application's ConfigureKestrel get the defaults.
        services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelWebSocketSetup>());
        return services;
    }
}
