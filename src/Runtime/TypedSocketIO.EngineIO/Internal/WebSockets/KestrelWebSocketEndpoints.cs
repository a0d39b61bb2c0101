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
    private bool _authenticates;

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
    /// endpoint: it requires authorization or rate limiting, or the application authenticates requests (a registered
    /// authentication scheme) or limits every request (a global rate limiter), which only the HTTP pipeline can apply.
    /// </summary>
    public bool TryGetEndpoint(out Endpoint? endpoint)
    {
        if (!_resolved)
        {
            _authenticates = HasAuthenticationScheme(_services) || HasGlobalRateLimiter(_services);
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
        if (_authenticates)
        {
            return false;
        }

        if (endpoint is null)
        {
            return true;
        }

        // Authorization and rate limiting are HTTP middleware: an endpoint that asks for either keeps its handshakes there.
        bool authorizes = endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
        bool rateLimited = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>() is not null
            && endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.DisableRateLimitingAttribute>() is null;
        return !authorizes && !rateLimited;
    }

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
