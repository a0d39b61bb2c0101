using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.EngineIO;

/// <summary>
/// What <see cref="EngineIOOptions.OnResponseHeaders"/> sees: a successful Engine.IO response about to be sent (a polling
/// handshake, poll or POST, or the 101 of a WebSocket handshake), whose headers and cookies it may add to.
/// </summary>
public readonly struct EngineIOResponseHeadersContext
{
    internal EngineIOResponseHeadersContext(HttpContext httpContext, bool isHandshake, string transport)
    {
        HttpContext = httpContext;
        IsHandshake = isHandshake;
        Transport = transport;
    }

    /// <summary>The request being answered.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>
    /// Whether this response opens a session (the request has no <c>sid</c>): the official server's <c>initial_headers</c>
    /// event; every response is its <c>headers</c> event.
    /// </summary>
    public bool IsHandshake { get; }

    /// <summary>The transport of the request: <c>polling</c> or <c>websocket</c>.</summary>
    public string Transport { get; }

    /// <summary>The response headers, to add to.</summary>
    public IHeaderDictionary Headers => HttpContext.Response.Headers;

    /// <summary>The response cookies (for example a sticky-session cookie for a load balancer).</summary>
    public IResponseCookies Cookies => HttpContext.Response.Cookies;
}
