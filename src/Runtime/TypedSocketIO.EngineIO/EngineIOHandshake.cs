using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// The facts of the HTTP request that opened an Engine.IO session (Node's <c>socket.request</c>), copied when it arrived:
/// an <see cref="IEngineIOHandler"/> reads them from <see cref="EngineIOConnection.Handshake"/> at any time, long after that
/// request ended, with no <c>IHttpContextAccessor</c>. Later requests of the session (polls, POSTs, the WebSocket upgrade)
/// do not change it.
/// </summary>
public sealed class EngineIOHandshake
{
    internal EngineIOHandshake(HttpContext context, DateTimeOffset issuedAt)
    {
        HttpRequest request = context.Request;
        if (context.Features.Get<IHttpWebSocketFeature>() is Internal.WebSockets.PipeWebSocketFeature)
        {
            // A handshake read by the lean WebSocket transport: its headers and query belong to this request alone (nothing
            // reuses them), so they are kept as they are instead of copied.
            Headers = request.Headers;
            Query = request.Query;
        }
        else
        {
            Headers = new HeaderDictionary();
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
            {
                Headers[header.Key] = header.Value;
            }

            // Copies, not views of the request: the handshake is read long after its request ended (and its HttpContext was
            // reused).
            Query = new QueryCollection(request.Query.ToDictionary(static p => p.Key, static p => p.Value, StringComparer.OrdinalIgnoreCase));
        }

        // As Node's req.url: the request target as the client sent it (not re-encoded; PathBase included).
        string? rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        Url = !string.IsNullOrEmpty(rawTarget) && rawTarget[0] == '/'
            ? rawTarget
            : string.Concat(request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
        RemoteAddress = context.Connection.RemoteIpAddress;
        IssuedAt = issuedAt;
        IsSecure = request.IsHttps;
        User = context.User;
    }

    /// <summary>The request headers.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string parameters.</summary>
    public IQueryCollection Query { get; }

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
    public ClaimsPrincipal User { get; }
}
