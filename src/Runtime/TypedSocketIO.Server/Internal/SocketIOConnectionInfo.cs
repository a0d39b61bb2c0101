using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.Server;

/// <summary>The request facts of one Engine.IO connection, copied once and shared by the handshakes of its sockets.</summary>
internal sealed record SocketIOConnectionInfo(
    IHeaderDictionary Headers,
    IQueryCollection Query,
    string Url,
    IPAddress? RemoteAddress,
    DateTimeOffset IssuedAt,
    bool IsSecure,
    ClaimsPrincipal User);
