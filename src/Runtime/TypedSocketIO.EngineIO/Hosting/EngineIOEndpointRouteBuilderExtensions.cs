using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSocketIO.EngineIO;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps an Engine.IO endpoint, for applications that use Engine.IO without Socket.IO.</summary>
public static class EngineIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps an Engine.IO v4 endpoint at <paramref name="path"/> (for example <c>/engine.io/</c>) served by <paramref name="handler"/>.
    /// WebSockets are accepted without calling <c>UseWebSockets</c>; CORS is configured on the returned builder.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="path">The path, as the client's <c>path</c> option.</param>
    /// <param name="handler">The protocol on top of Engine.IO.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>A builder to add conventions (CORS, authorization) to the endpoint.</returns>
    public static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, string path, IEngineIOHandler handler, Action<EngineIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(handler);
        var options = new EngineIOOptions();
        configure?.Invoke(options);
        return MapEngineIO(endpoints, path, handler, options, out _);
    }

    /// <summary>Maps an Engine.IO endpoint and returns its server (for the Socket.IO server and for diagnostics).</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="path">The path.</param>
    /// <param name="handler">The protocol on top.</param>
    /// <param name="options">The settings.</param>
    /// <param name="server">The server created.</param>
    /// <param name="beforeShutdown">Runs when the host stops, before the sessions close (the Socket.IO server tells its sockets).</param>
    internal static IEndpointConventionBuilder MapEngineIO(
        IEndpointRouteBuilder endpoints, string path, IEngineIOHandler handler, EngineIOOptions options, out EngineIOServer server,
        Func<CancellationToken, Task>? beforeShutdown = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        IServiceProvider services = endpoints.ServiceProvider;
        var engine = new EngineIOServer(
            options,
            handler,
            services.GetService<ILoggerFactory>(),
            services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        server = engine;

        if (services.GetService<EngineIOServerLifetime>() is { } owner)
        {
            // AddEngineIO (or AddSocketIO): the host stops it gracefully, awaited, and its container disposes it.
            owner.Add(engine, beforeShutdown);
        }
        else if (services.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            // Without AddEngineIO nothing can await the shutdown: it is started when the host stops (pending polls are answered
            // while the web server still runs) and the server is disposed once the host has stopped; no thread waits on either.
            lifetime.ApplicationStopping.Register(static s =>
            {
                var (engine, before) = ((EngineIOServer, Func<CancellationToken, Task>?))s!;
                _ = ShutdownDetachedAsync(engine, before);
            }, (engine, beforeShutdown));
            lifetime.ApplicationStopped.Register(static s => _ = ((EngineIOServer)s!).DisposeAsync().AsTask(), engine);
        }

        // A sub-pipeline with the WebSocket middleware, as SignalR does, so that the application need not add it.
        IApplicationBuilder app = endpoints.CreateApplicationBuilder();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Run(engine.HandleRequestAsync);
        RequestDelegate pipeline = app.Build();

        string pattern = "/" + path.Trim('/');
        IEndpointConventionBuilder builder = endpoints.Map(pattern, pipeline).WithDisplayName("Engine.IO " + pattern);
        if (options.KestrelWebSocketTransport && services.GetService<KestrelWebSocketEndpoints>() is { } kestrel)
        {
            // WebSocket handshakes to this path that arrive first on a Kestrel connection are served by the lean transport
            // (when EngineIOOptions.KestrelWebSocketTransport is on), which finds this endpoint's metadata by this marker.
            var lean = new KestrelWebSocketEndpoint(pattern, engine, services);
            builder.WithMetadata(lean);
            kestrel.Add(lean);
        }

        builder.Finally(AllowEngineIOMethodsInCorsPolicy);
        return builder;
    }

    private static async Task ShutdownDetachedAsync(EngineIOServer engine, Func<CancellationToken, Task>? beforeShutdown)
    {
        try
        {
            if (beforeShutdown is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await beforeShutdown(timeout.Token).ConfigureAwait(false);
            }

            await engine.ShutdownAsync(EngineIOServerLifetime.DrainTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The host went on without us: disposal drops what is left.
        }
    }

    /// <summary>
    /// The endpoint is GET and POST only, and its CORS preflight allows both whatever methods the policy lists, as the official
    /// server's does: run after every convention, this puts on the endpoint a copy of its CORS policy (the one given to
    /// <c>RequireCors</c>, or else the named or default policy of <c>AddCors</c>) with GET and POST added. Nothing changes with
    /// <c>DisableCors</c>, without a policy, with a policy that allows any method, or with a custom <see cref="ICorsPolicyProvider"/>.
    /// </summary>
    private static void AllowEngineIOMethodsInCorsPolicy(EndpointBuilder endpoint)
    {
        CorsPolicy? policy = null;
        string? policyName = null;
        foreach (object metadata in endpoint.Metadata)
        {
            switch (metadata)
            {
                case IDisableCorsAttribute:
                    return;
                case ICorsPolicyMetadata withPolicy:
                    policy = withPolicy.Policy;
                    break;
                case IEnableCorsAttribute named:
                    policyName = named.PolicyName;
                    break;
            }
        }

        if (policy is null
            && endpoint.ApplicationServices.GetService<ICorsPolicyProvider>() is DefaultCorsPolicyProvider
            && endpoint.ApplicationServices.GetService<IOptions<CorsOptions>>() is { } cors)
        {
            policy = cors.Value.GetPolicy(policyName ?? cors.Value.DefaultPolicyName);
        }

        if (policy is null || policy.AllowAnyMethod
            || (policy.Methods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase) && policy.Methods.Contains(HttpMethods.Post, StringComparer.OrdinalIgnoreCase)))
        {
            return;
        }

        string[] methods = [.. policy.Methods.Union([HttpMethods.Get, HttpMethods.Post], StringComparer.OrdinalIgnoreCase)];
        endpoint.Metadata.Add(new EngineIOCorsPolicy(new CorsPolicyBuilder(policy).WithMethods(methods).Build()));
    }
}

/// <summary>The CORS policy of an Engine.IO endpoint (its application's policy with GET and POST allowed).</summary>
internal sealed class EngineIOCorsPolicy(CorsPolicy policy) : ICorsPolicyMetadata
{
    public CorsPolicy Policy { get; } = policy;
}
