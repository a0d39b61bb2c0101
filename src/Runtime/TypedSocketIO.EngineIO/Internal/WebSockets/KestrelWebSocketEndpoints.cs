using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>One Engine.IO endpoint served by the lean Kestrel WebSocket transport.</summary>
internal sealed class KestrelWebSocketEndpoint
{
    private readonly IServiceProvider _services;
    private Endpoint? _endpoint;
    private bool _resolved;
    private bool _pipelineOnly;

    public KestrelWebSocketEndpoint(string pattern, EngineIOServer server, IServiceProvider services)
    {
        Pattern = pattern;
        Server = server;
        _services = services;
    }

    /// <summary>The route pattern, <c>/socket.io</c> for example.</summary>
    public string Pattern { get; }

    public EngineIOServer Server { get; }

    /// <summary>How many WebSocket handshakes this transport accepted for the endpoint.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private int _accepted;

    internal void OnAccepted() => Interlocked.Increment(ref _accepted);

    /// <summary>
    /// The routing endpoint with its final metadata (CORS policy, authorization), once routing has built it; built here on
    /// the first connection when no HTTP request has done it yet. <see langword="false"/> when the lean path must not take this
    /// endpoint because only the HTTP pipeline can apply what it asks for: the endpoint requires authorization (an
    /// <c>[Authorize]</c>, a policy or requirements as metadata), rate limiting or a host (<c>RequireHost</c>); or the
    /// application authenticates requests (a registered authentication scheme), has a fallback authorization policy, limits
    /// every request (a global rate limiter) or restricts the <c>Host</c> header (<c>AllowedHosts</c>).
    /// </summary>
    public bool TryGetEndpoint(out Endpoint? endpoint)
    {
        if (!_resolved)
        {
            _pipelineOnly = HasAuthenticationScheme(_services) || HasFallbackAuthorizationPolicy(_services) || HasGlobalRateLimiter(_services)
                || FiltersHosts(_services);
            foreach (EndpointDataSource source in _services.GetServices<EndpointDataSource>())
            {
                foreach (Endpoint candidate in source.Endpoints)
                {
                    if (candidate.Metadata.GetMetadata<KestrelWebSocketEndpoint>() == this)
                    {
                        _endpoint = candidate;
                    }
                }
            }

            _resolved = true;
        }

        endpoint = _endpoint;
        if (_pipelineOnly)
        {
            return false;
        }

        if (endpoint is null)
        {
            return true;
        }

        // Authorization, rate limiting and host matching are HTTP middleware and routing: an endpoint that asks for any keeps its
        // handshakes there. The authorization middleware reads [Authorize] data, policies and requirements from the metadata.
        EndpointMetadataCollection metadata = endpoint.Metadata;
        bool authorizes = (metadata.GetMetadata<IAuthorizeData>() is not null || metadata.GetMetadata<AuthorizationPolicy>() is not null
                || metadata.GetMetadata<IAuthorizationRequirementData>() is not null)
            && metadata.GetMetadata<IAllowAnonymous>() is null;
        bool rateLimited = metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>() is not null
            && metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.DisableRateLimitingAttribute>() is null;
        bool hostBound = metadata.GetMetadata<IHostMetadata>() is { Hosts.Count: > 0 };
        return !authorizes && !rateLimited && !hostBound;
    }

    /// <summary>A fallback policy (<c>AuthorizationOptions.FallbackPolicy</c>) authorizes every endpoint without metadata of its own.</summary>
    private static bool HasFallbackAuthorizationPolicy(IServiceProvider services) =>
        services.GetService<Microsoft.Extensions.Options.IOptions<AuthorizationOptions>>()?.Value.FallbackPolicy is not null;

    /// <summary>Host filtering (<c>AllowedHosts</c> other than <c>*</c>) refuses requests whose <c>Host</c> header it does not list.</summary>
    private static bool FiltersHosts(IServiceProvider services) =>
        services.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>>()?.Value.AllowedHosts is { Count: > 0 } hosts
        && !hosts.Contains("*");

    /// <summary>A global limiter (<c>RateLimiterOptions.GlobalLimiter</c>) applies to every request, WebSocket handshakes included.</summary>
    private static bool HasGlobalRateLimiter(IServiceProvider services) =>
        services.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>>()?.Value.GlobalLimiter is not null;

    private static bool HasAuthenticationScheme(IServiceProvider services)
    {
        if (services.GetService<IAuthenticationSchemeProvider>() is not { } schemes)
        {
            return false;
        }

        // The default provider answers synchronously from its in-memory map.
        return schemes.GetAllSchemesAsync().GetAwaiter().GetResult().Any();
    }

    /// <summary>Whether <paramref name="path"/> is this endpoint's (routing's rules: case-insensitive, a trailing slash allowed).</summary>
    public bool Matches(string path)
    {
        ReadOnlySpan<char> span = path.AsSpan();
        if (span.Length == Pattern.Length + 1 && span[^1] == '/')
        {
            span = span[..^1];
        }

        return span.Equals(Pattern, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>The Engine.IO endpoints of the application that the lean Kestrel transport serves (registered by <c>AddEngineIO</c>).</summary>
internal sealed class KestrelWebSocketEndpoints
{
    private volatile KestrelWebSocketEndpoint[] _endpoints = [];

    public bool IsEmpty => _endpoints.Length == 0;

    public void Add(KestrelWebSocketEndpoint endpoint)
    {
        lock (this)
        {
            _endpoints = [.. _endpoints, endpoint];
        }
    }

    public KestrelWebSocketEndpoint? Find(string path)
    {
        foreach (KestrelWebSocketEndpoint endpoint in _endpoints)
        {
            if (endpoint.Matches(path))
            {
                return endpoint;
            }
        }

        return null;
    }
}
