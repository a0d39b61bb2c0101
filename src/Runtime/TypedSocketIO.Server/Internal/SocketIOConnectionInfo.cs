using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using TypedSocketIO.EngineIO;

namespace TypedSocketIO.Server;

/// <summary>
/// The request facts of one Engine.IO connection, shared by the handshakes of its sockets. Over Engine.IO they are read from
/// the session's <see cref="EngineIOHandshake"/> when first asked for (an idle connection whose handshake nobody reads
/// holds its headers and query unparsed there).
/// </summary>
internal sealed class SocketIOConnectionInfo
{
    private readonly EngineIOHandshake? _handshake;
    private readonly IHeaderDictionary? _headers;
    private readonly IQueryCollection? _query;
    private readonly ClaimsPrincipal? _user;

    /// <summary>Facts given as they are (a test host, a connection that did not come through Engine.IO).</summary>
    public SocketIOConnectionInfo(IHeaderDictionary headers, IQueryCollection query, string url, IPAddress? remoteAddress, DateTimeOffset issuedAt, bool isSecure, ClaimsPrincipal user)
    {
        _headers = headers;
        _query = query;
        _user = user;
        Url = url;
        RemoteAddress = remoteAddress;
        IssuedAt = issuedAt;
        IsSecure = isSecure;
    }

    /// <summary>The facts of an Engine.IO session's handshake.</summary>
    public SocketIOConnectionInfo(EngineIOHandshake handshake)
    {
        _handshake = handshake;
        Url = handshake.Url;
        RemoteAddress = handshake.RemoteAddress;
        IssuedAt = handshake.IssuedAt;
        IsSecure = handshake.IsSecure;
    }

    public IHeaderDictionary Headers => _headers ?? _handshake!.Headers;

    public IQueryCollection Query => _query ?? _handshake!.Query;

    public string Url { get; }

    public IPAddress? RemoteAddress { get; }

    public DateTimeOffset IssuedAt { get; }

    public bool IsSecure { get; }

    public ClaimsPrincipal User => _user ?? _handshake!.User;

    /// <summary>The user given or set by an authentication step, or <see langword="null"/> (without creating an anonymous one).</summary>
    public ClaimsPrincipal? UserIfSet => _user ?? _handshake!.UserIfSet;
}
