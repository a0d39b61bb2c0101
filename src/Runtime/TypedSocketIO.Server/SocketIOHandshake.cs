using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.Server;

/// <summary>
/// What a socket knew when it connected to its namespace, as Node's <c>socket.handshake</c>: the facts of the HTTP request
/// that opened the Engine.IO connection (the first request: later polls, POSTs and the WebSocket upgrade do not change it)
/// and the <c>auth</c> payload of the namespace CONNECT packet. Filled once at CONNECT from copies, so it may be read at any
/// time, long after the request ended. Middleware (<see cref="SocketIONamespace.Use(SocketIOMiddleware)"/>) reads it.
/// </summary>
/// <remarks>
/// Node's fields: <c>headers</c> → <see cref="Headers"/> (names case-insensitive), <c>query</c> → <see cref="Query"/> (a
/// repeated parameter keeps every value, where Node keeps the last), <c>url</c> → <see cref="Url"/>, <c>address</c> →
/// <see cref="RemoteAddress"/>, <c>secure</c> → <see cref="IsSecure"/>, <c>xdomain</c> → <see cref="IsCrossDomain"/>,
/// <c>issued</c> → <see cref="IssuedAt"/> (<c>ToUnixTimeMilliseconds()</c>), <c>time</c> → <see cref="Time"/>,
/// <c>auth</c> → <see cref="Auth"/>; and the authenticated <see cref="User"/>, which Node does not have.
/// </remarks>
public sealed class SocketIOHandshake
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    // The connection's facts, read through when asked for (its headers and query are parsed on first use), or given ones.
    private readonly SocketIOConnectionInfo _connection;
    private JsonElement? _auth;
    private string? _time;

    internal SocketIOHandshake(SocketIOConnectionInfo connection, ReadOnlyMemory<byte> authJson)
    {
        _connection = connection;

        // As Node, the time of the namespace CONNECT (the socket's creation), not of the Engine.IO handshake.
        IssuedAt = DateTimeOffset.UtcNow;
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
        _connection = new SocketIOConnectionInfo(headers, query, url, remoteAddress, issuedAt, isSecure, new ClaimsPrincipal(new ClaimsIdentity()));
        IssuedAt = issuedAt;
        AuthJson = authJson.IsEmpty ? EmptyObject : authJson;
    }

    /// <summary>The headers of the request that opened the connection.</summary>
    public IHeaderDictionary Headers => _connection.Headers;

    /// <summary>The query string parameters of the request that opened the connection.</summary>
    public IQueryCollection Query => _connection.Query;

    /// <summary>The request target (path and query string) of the request that opened the connection, exactly as the client sent it (Node's <c>url</c>).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Justification = "Relative URL as the client sent it, as in the official handshake.url.")]
    public string Url => _connection.Url;

    /// <summary>
    /// The client's IP address, when known (Node's <c>address</c>, a string there). An IPv4 client of a dual-stack listener
    /// is an IPv4-mapped address (<c>::ffff:127.0.0.1</c>), as in Node.
    /// </summary>
    public IPAddress? RemoteAddress => _connection.RemoteAddress;

    /// <summary>When the socket connected to its namespace (Node's <c>issued</c>, the CONNECT's time).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>
    /// <see cref="IssuedAt"/> written as JavaScript's <c>Date.prototype.toString()</c> writes it in the server's time zone (Node's
    /// <c>time</c>), e.g. <c>Mon Dec 07 2026 12:41:23 GMT+0000 (Coordinated Universal Time)</c>; the zone's name in brackets is
    /// .NET's (<see cref="TimeZoneInfo.StandardName"/> or <see cref="TimeZoneInfo.DaylightName"/>).
    /// </summary>
    public string Time => _time ??= JavaScriptDateString(IssuedAt, TimeZoneInfo.Local);

    /// <summary>Whether the request that opened the connection had an <c>Origin</c> header (Node's <c>xdomain</c>).</summary>
    public bool IsCrossDomain => !string.IsNullOrEmpty(Headers.Origin.ToString());

    /// <summary>Whether the connection was opened over HTTPS.</summary>
    public bool IsSecure => _connection.IsSecure;

    /// <summary>The authenticated user of the request that opened the connection (empty when the endpoint has no authentication).</summary>
    public ClaimsPrincipal User => _connection.User;

    /// <summary>The <c>auth</c> object of the CONNECT packet as UTF-8 JSON; <c>{}</c> when the client sent none.</summary>
    public ReadOnlyMemory<byte> AuthJson { get; }

    /// <summary>The <c>auth</c> object of the CONNECT packet; an empty object when the client sent none.</summary>
    public JsonElement Auth => _auth ??= ParseAuth(AuthJson);

    /// <summary>Formats <paramref name="time"/> in <paramref name="zone"/> as JavaScript's <c>Date.prototype.toString()</c>.</summary>
    internal static string JavaScriptDateString(DateTimeOffset time, TimeZoneInfo zone)
    {
        DateTimeOffset local = TimeZoneInfo.ConvertTime(time, zone);
        TimeSpan offset = local.Offset;
        string name = zone.IsDaylightSavingTime(local) ? zone.DaylightName : zone.StandardName;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{local:ddd MMM dd yyyy HH:mm:ss} GMT{(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00} ({name})");
    }

    private static JsonElement ParseAuth(ReadOnlyMemory<byte> json)
    {
        // The decoder has validated the payload already (an object within the depth limit).
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = 256 });
        return JsonElement.ParseValue(ref reader);
    }
}
