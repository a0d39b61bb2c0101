using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.WebUtilities;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// The facts of the HTTP request that opened an Engine.IO session (Node's <c>socket.request</c>), copied when it arrived:
/// an <see cref="IEngineIOHandler"/> reads them from <see cref="EngineIOConnection.Handshake"/> at any time, long after that
/// request ended, with no <c>IHttpContextAccessor</c>. Later requests of the session (polls, POSTs, the WebSocket upgrade)
/// do not change it.
/// </summary>
public sealed class EngineIOHandshake
{
    // The lean WebSocket transport's handshake keeps its head's bytes and query string, parsed again when first asked for: an
    // idle connection holds ~300 bytes instead of two parsed dictionaries and their strings.
    private readonly byte[]? _headBytes;
    private readonly string? _queryString;
    private IHeaderDictionary? _headers;
    private IQueryCollection? _query;
    private ClaimsPrincipal? _user;

    internal EngineIOHandshake(HttpContext context, DateTimeOffset issuedAt)
    {
        HttpRequest request = context.Request;
        if (context.Features.Get<IHttpWebSocketFeature>() is Internal.WebSockets.PipeWebSocketFeature { HeadBytes: { } head })
        {
            _headBytes = head;
            _queryString = request.QueryString.Value ?? string.Empty;
        }
        else
        {
            var headers = new HeaderDictionary();
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
            {
                headers[header.Key] = header.Value;
            }

            _headers = headers;

            // Copies, not views of the request: the handshake is read long after its request ended (and its HttpContext was
            // reused).
            _query = new QueryCollection(request.Query.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.OrdinalIgnoreCase));
        }

        // As Node's req.url: the request target as the client sent it (not re-encoded; PathBase included).
        string? rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        Url = !string.IsNullOrEmpty(rawTarget) && rawTarget[0] == '/'
            ? rawTarget
            : string.Concat(request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
        RemoteAddress = context.Connection.RemoteIpAddress;
        IssuedAt = issuedAt;
        IsSecure = request.IsHttps;

        // The user an authentication step set; none means anonymous, created when first asked for (HttpContext.User would
        // create it now).
        _user = context.Features.Get<IHttpAuthenticationFeature>()?.User;
    }

    /// <summary>The request headers.</summary>
    public IHeaderDictionary Headers
    {
        get
        {
            if (_headers is { } headers)
            {
                return headers;
            }

            // The bytes were parsed once already, when the request arrived.
            IHeaderDictionary parsed = Internal.WebSockets.WebSocketRequestHead.TryParseHeaders(_headBytes) ?? new HeaderDictionary();
            return Interlocked.CompareExchange(ref _headers, parsed, null) ?? parsed;
        }
    }

    /// <summary>The query string parameters.</summary>
    public IQueryCollection Query
    {
        get
        {
            if (_query is { } query)
            {
                return query;
            }

            var parsed = new QueryCollection(QueryHelpers.ParseQuery(_queryString));
            return Interlocked.CompareExchange(ref _query, parsed, null) ?? parsed;
        }
    }

    /// <summary>The request target (path and query string) exactly as the client sent it, as Node's <c>req.url</c>.</summary>
    public string Url { get; }

    /// <summary>
    /// The client's IP address, when known. An IPv4 client of a dual-stack (IPv6) listener is an IPv4-mapped address
    /// (<c>::ffff:127.0.0.1</c>), as Node's <c>remoteAddress</c>.
    /// </summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>When the handshake request arrived.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Whether the request came over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>The authenticated user of the handshake request (empty when the endpoint has no authentication).</summary>
    public ClaimsPrincipal User
    {
        get
        {
            if (_user is { } user)
            {
                return user;
            }

            var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
            return Interlocked.CompareExchange(ref _user, anonymous, null) ?? anonymous;
        }
    }

    /// <summary>The user an authentication step set on the handshake request, or <see langword="null"/> (none: no anonymous one is created).</summary>
    internal ClaimsPrincipal? UserIfSet => Volatile.Read(ref _user);
}
