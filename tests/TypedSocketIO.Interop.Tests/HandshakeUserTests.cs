using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// <see cref="SocketIOHandshake.User"/>: the principal ASP.NET Core authentication found on the request that opened the
/// connection (Node has no such field), read by a handler long after that request ended, on every transport, whatever
/// <c>KestrelWebSocketTransport</c> says (an application with an authentication scheme keeps WebSockets on the HTTP pipeline).
/// </summary>
public sealed class HandshakeUserTests
{
    public static TheoryData<string, bool> Cases() => new()
    {
        { "polling", false },
        { "websocket", false },
        { "websocket", true },
        { "upgrade", false },
        { "upgrade", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Handshake_user_is_the_authenticated_principal_of_the_first_request(string transport, bool lean)
    {
        await using var server = await StartAsync(lean);

        // The upgrade's WebSocket request names someone else: the handshake stays the first request's.
        Assert.Equal("[\"ada\",\"Header\",true,\"admin\"]", await WhoAmIAsync(server.BaseAddress, transport, "ada"));
        Assert.Equal("[null,null,false,null]", await WhoAmIAsync(server.BaseAddress, transport, null));
    }

    private static async Task<string> WhoAmIAsync(string address, string transport, string? user)
    {
        KeyValuePair<string, string>[] headers = user is null ? [] : [new("X-User", user)];
        await using var client = await RawSocketIOClient.OpenAsync(address, transport == "upgrade" ? "polling" : transport, "", headers);
        Assert.StartsWith("0{\"sid\":", await client.ConnectAsync(), StringComparison.Ordinal);
        await client.SendAsync("21[\"whoami\"]");
        var answer = await client.ReceiveAsync();
        Assert.StartsWith("31[", answer, StringComparison.Ordinal);
        if (transport == "upgrade")
        {
            await client.UpgradeAsync([new("X-User", "mallory")]);
            await client.SendAsync("22[\"whoami\"]");
            Assert.Equal("32" + answer![2..], await client.ReceiveAsync());
        }
        return answer![2..];
    }

    private static Task<Testing.LoopbackServer> StartAsync(bool lean) => Testing.LoopbackServer.StartAsync(
        services =>
        {
            services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>("Header", null);
            services.AddSocketIO(o => o.EngineIO.KestrelWebSocketTransport = lean);
        },
        app => app.MapSocketIO("/", ns => ns.OnConnection(socket => socket.On("whoami", (_, ack) =>
        {
            ClaimsPrincipal user = socket.Handshake.User;
            ack.Send(user.Identity?.Name, user.Identity?.AuthenticationType, user.Identity?.IsAuthenticated ?? false, user.FindFirst(ClaimTypes.Role)?.Value);
            return ValueTask.CompletedTask;
        }))));

    /// <summary>A scheme that trusts the X-User header (tests only): a principal named after it, with the role "admin".</summary>
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string? user = Request.Headers["X-User"];
            if (string.IsNullOrEmpty(user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, "admin")], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
