using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Adds the lean Engine.IO WebSocket transport to one Kestrel endpoint.</summary>
public static class EngineIOListenOptionsExtensions
{
    /// <summary>
    /// Puts the lean Engine.IO WebSocket transport in front of this endpoint's HTTP server (<c>AddEngineIO</c> does it for every
    /// endpoint; call this where the application replaces <see cref="KestrelServerOptions.ConfigureEndpointDefaults"/>). Call it
    /// before <c>UseHttps</c>: only plain HTTP/1.1 connections are taken.
    /// </summary>
    /// <param name="listenOptions">The endpoint.</param>
    /// <returns>The same options.</returns>
    public static ListenOptions UseEngineIOWebSockets(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        KestrelWebSocketSetup.Install(listenOptions);
        return listenOptions;
    }
}
