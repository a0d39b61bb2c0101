using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests.Typed;

/// <summary>Events of the authorized namespace.</summary>
[SocketIOContract(JsonContext = typeof(SecureJsonContext))]
public interface ISecureServer
{
    /// <summary>Acknowledged with the user's name and whether they are an admin.</summary>
    Task<string> Whoami();
}

/// <summary>Nothing is sent to the clients.</summary>
[SocketIOContract(JsonContext = typeof(SecureJsonContext))]
public interface ISecureClient
{
}

[JsonSerializable(typeof(string))]
public sealed partial class SecureJsonContext : JsonSerializerContext
{
}

/// <summary>Admits any authenticated user.</summary>
[Authorize]
public sealed class SecureHandler : SocketHandler<ISecureClient>, ISecureServer
{
    public Task<string> Whoami() => Task.FromResult(Socket.Handshake.User.Identity!.Name + (Socket.Handshake.User.IsInRole("admin") ? " (admin)" : string.Empty));
}

/// <summary>Admits the users in the role admin only.</summary>
[Authorize(Roles = "admin")]
public sealed class AdminOnlyHandler : SocketHandler<ISecureClient>, ISecureServer
{
    public Task<string> Whoami() => Task.FromResult("admin " + Socket.Handshake.User.Identity!.Name);
}

/// <summary>
/// <c>[Authorize]</c> on handler classes with a real JWT bearer scheme, the official socket.io-client 4.8.4 sending the token
/// (tests/interop-node/auth-client.mjs): an anonymous or unprivileged socket gets a <c>connect_error</c> that says why, over
/// WebSocket, polling and upgrade; and <c>MapSocketIO(…).RequireAuthorization()</c> refuses the HTTP requests themselves.
/// </summary>
public sealed class AuthorizationInteropTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("typedsocketio-test-signing-key-of-32+-bytes"));

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    [InlineData("upgrade")]
    public async Task AuthorizeOnTheHandlerClass_AdmitsTokensAndRefusesOthersWithConnectError(string transport)
    {
        await using LoopbackServer server = await StartAsync(requireAuthorizationOnTheEndpoint: false);

        JsonElement ada = await RunClientAsync(server, transport, Token("ada", "admin"), "/secure");
        Assert.Equal("connected", ada.GetProperty("event").GetString());
        Assert.Equal("ada (admin)", ada.GetProperty("whoami").GetString());

        JsonElement anonymous = await RunClientAsync(server, transport, "-", "/secure");
        Assert.Equal("connect_error", anonymous.GetProperty("event").GetString());
        Assert.StartsWith("Unauthorized: /secure requires an authenticated user", anonymous.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, anonymous.GetProperty("data").GetProperty("status").GetInt32());

        JsonElement bob = await RunClientAsync(server, transport, Token("bob"), "/admin");
        Assert.Equal("connect_error", bob.GetProperty("event").GetString());
        Assert.StartsWith("Forbidden: the user is not allowed", bob.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(403, bob.GetProperty("data").GetProperty("status").GetInt32());

        JsonElement forged = await RunClientAsync(server, transport, Token("eve", "admin", new SymmetricSecurityKey(new byte[32])), "/admin");
        Assert.Equal("connect_error", forged.GetProperty("event").GetString());
        Assert.Equal(401, forged.GetProperty("data").GetProperty("status").GetInt32());

        Assert.Equal("admin ada", (await RunClientAsync(server, transport, Token("ada", "admin"), "/admin")).GetProperty("whoami").GetString());
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task RequireAuthorizationOnTheEndpoint_RefusesTheAnonymousRequests(string transport)
    {
        await using LoopbackServer server = await StartAsync(requireAuthorizationOnTheEndpoint: true);

        Assert.Equal("ada (admin)", (await RunClientAsync(server, transport, Token("ada", "admin"), "/secure")).GetProperty("whoami").GetString());

        // The HTTP request itself gets 401: the client sees its transport fail, not a Socket.IO refusal.
        JsonElement anonymous = await RunClientAsync(server, transport, "-", "/secure");
        Assert.Equal("connect_error", anonymous.GetProperty("event").GetString());
        Assert.Equal(transport == "polling" ? "xhr poll error" : "websocket error", anonymous.GetProperty("message").GetString());
    }

    private static async Task<JsonElement> RunClientAsync(LoopbackServer server, string transport, string token, string ns)
    {
        await using NodeScript client = NodeScript.Start("auth-client.mjs", server.BaseAddress, transport, token, ns);
        return await client.WaitForLineAsync(l => l.GetProperty("event").GetString() is "connected" or "connect_error" or "failed", TimeSpan.FromSeconds(30));
    }

    private static string Token(string name, string? role = null, SecurityKey? key = null)
    {
        var claims = new Dictionary<string, object> { [ClaimTypes.Name] = name };
        if (role is not null)
        {
            claims[ClaimTypes.Role] = role;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static Task<LoopbackServer> StartAsync(bool requireAuthorizationOnTheEndpoint) => LoopbackServer.StartAsync(
        services =>
        {
            services.AddSocketIO();
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = false,
                    ValidateAudience = false,
                    IssuerSigningKey = Key,
                    NameClaimType = ClaimTypes.Name,
                    RoleClaimType = ClaimTypes.Role,
                };
            });
            services.AddAuthorization();
        },
        app =>
        {
            IEndpointConventionBuilder secure = app.MapSocketIO<ISecureServer, ISecureClient>("/secure", ns => ns.UseHandler<SecureHandler>());
            app.MapSocketIO<ISecureServer, ISecureClient>("/admin", ns => ns.UseHandler<AdminOnlyHandler>());
            if (requireAuthorizationOnTheEndpoint)
            {
                secure.RequireAuthorization();
            }
        });
}
