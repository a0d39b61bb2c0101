using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>Installs <see cref="KestrelWebSocketMiddleware"/> on every endpoint Kestrel creates.</summary>
internal sealed class KestrelWebSocketSetup : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        options.ConfigureEndpointDefaults(static listenOptions => Install(listenOptions));
    }

    internal static void Install(ListenOptions listenOptions)
    {
        IServiceProvider services = listenOptions.ApplicationServices;
        KestrelWebSocketEndpoints? endpoints = services.GetService<KestrelWebSocketEndpoints>();
        if (endpoints is null)
        {
            return;
        }

        KestrelServerOptions kestrel = listenOptions.KestrelServerOptions;
        IServiceScopeFactory scopes = services.GetRequiredService<IServiceScopeFactory>();
        listenOptions.Use(next => new KestrelWebSocketMiddleware(next, endpoints, scopes, kestrel.Limits.RequestHeadersTimeout).OnConnectionAsync);
    }
}
