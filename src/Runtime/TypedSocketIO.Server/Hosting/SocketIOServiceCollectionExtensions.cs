using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSocketIO.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Socket.IO server.</summary>
public static class SocketIOServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SocketIOServer"/> (a singleton, the <c>io</c> object), its options with their defaults and startup
    /// validation, and the in-memory adapter (unless another <see cref="ISocketIOAdapterFactory"/> is registered). Safe to call twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options; runs after the defaults.</param>
    /// <returns>A builder for further registrations.</returns>
    public static ISocketIOServerBuilder AddSocketIO(this IServiceCollection services, Action<SocketIOServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<SocketIOMarkerService>();
        services.AddEngineIO();
        // Defaults live in one place, the options' initializers (the Default* constants); every check, Engine.IO's included, in the
        // validator, run when the host starts.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketIOServerOptions>, SocketIOServerOptionsValidator>());
        services.AddOptions<SocketIOServerOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<ISocketIOAdapterFactory, InMemorySocketIOAdapterFactory>();
        services.TryAddSingleton(static sp => new SocketIOServer(
            sp.GetRequiredService<IOptions<SocketIOServerOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<ISocketIOAdapterFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>())
        {
            Services = sp,
        });
        return new SocketIOServerBuilder(services);
    }
}
