using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.EngineIO;

/// <summary>The facts of the HTTP request that opened an Engine.IO session, captured when it arrived.</summary>
public sealed class EngineIOHandshake
{
    internal EngineIOHandshake(HttpContext context, DateTimeOffset issuedAt)
    {
        HttpRequest request = context.Request;
        Headers = new HeaderDictionary();
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
        {
            Headers[header.Key] = header.Value;
        }

        Query = request.Query;
        Url = string.Concat(request.PathBase.ToString(), request.Path.ToString(), request.QueryString.ToString());
        RemoteAddress = context.Connection.RemoteIpAddress;
        IssuedAt = issuedAt;
        IsSecure = request.IsHttps;
        User = context.User;
    }

    /// <summary>The request headers.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string parameters.</summary>
    public IQueryCollection Query { get; }

    /// <summary>The request path and query string, as the client sent them.</summary>
    public string Url { get; }

    /// <summary>The client's IP address, when known.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>When the handshake request arrived.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Whether the request came over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>The authenticated user of the handshake request (empty when the endpoint has no authentication).</summary>
    public ClaimsPrincipal User { get; }
}
