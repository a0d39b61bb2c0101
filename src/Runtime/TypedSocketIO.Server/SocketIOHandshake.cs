using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.Server;

/// <summary>
/// What a socket knew when it connected to its namespace: the facts of the HTTP request that opened the connection
/// and the <c>auth</c> payload of the namespace CONNECT packet. Middleware (<see cref="SocketIONamespace.Use(SocketIOMiddleware)"/>) reads it.
/// </summary>
public sealed class SocketIOHandshake
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();
    private JsonElement? _auth;

    internal SocketIOHandshake(SocketIOConnectionInfo connection, ReadOnlyMemory<byte> authJson)
    {
        Headers = connection.Headers;
        Query = connection.Query;
        Url = connection.Url;
        RemoteAddress = connection.RemoteAddress;
        IssuedAt = connection.IssuedAt;
        IsSecure = connection.IsSecure;
        User = connection.User;
        AuthJson = authJson.IsEmpty ? EmptyObject : authJson;
    }

    /// <summary>
    /// Creates the handshake of a socket of another server of the cluster, from what that server sent (a cluster adapter
    /// calls this); <see cref="User"/> is an empty principal.
    /// </summary>
    /// <param name="headers">The request headers.</param>
    /// <param name="query">The query string parameters.</param>
    /// <param name="url">The path and query string.</param>
    /// <param name="remoteAddress">The client's address, when known.</param>
    /// <param name="issuedAt">When the handshake happened.</param>
    /// <param name="isSecure">Whether over HTTPS.</param>
    /// <param name="authJson">The <c>auth</c> object as UTF-8 JSON (validated by the caller); empty for <c>{}</c>.</param>
    public SocketIOHandshake(IHeaderDictionary headers, IQueryCollection query, string url, IPAddress? remoteAddress, DateTimeOffset issuedAt, bool isSecure, ReadOnlyMemory<byte> authJson)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(url);
        Headers = headers;
        Query = query;
        Url = url;
        RemoteAddress = remoteAddress;
        IssuedAt = issuedAt;
        IsSecure = isSecure;
        User = new ClaimsPrincipal(new ClaimsIdentity());
        AuthJson = authJson.IsEmpty ? EmptyObject : authJson;
    }

    /// <summary>The headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string parameters of the request that opened the connection.</summary>
    public IQueryCollection Query { get; }

    /// <summary>The path and query string of the request that opened the connection.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Justification = "Relative URL as the client sent it, as in the official handshake.url.")]
    public string Url { get; }

    /// <summary>The client's IP address, when known.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>When the Engine.IO handshake request arrived.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Whether the connection was opened over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>The authenticated user of the request that opened the connection (empty when the endpoint has no authentication).</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>The <c>auth</c> object of the CONNECT packet as UTF-8 JSON; <c>{}</c> when the client sent none.</summary>
    public ReadOnlyMemory<byte> AuthJson { get; }

    /// <summary>The <c>auth</c> object of the CONNECT packet; an empty object when the client sent none.</summary>
    public JsonElement Auth => _auth ??= ParseAuth(AuthJson);

    private static JsonElement ParseAuth(ReadOnlyMemory<byte> json)
    {
        // The decoder has validated the payload already (an object within the depth limit).
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = 256 });
        return JsonElement.ParseValue(ref reader);
    }
}
