using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests.Typed;

/// <summary>Events of the vault namespace: one open to any user, one for admins.</summary>
[SocketIOContract(JsonContext = typeof(SecureJsonContext))]
public interface IVaultServer
{
    /// <summary>Acknowledged with the user's name (or "anonymous").</summary>
    Task<string> Whoami();

    /// <summary>Acknowledged with the secret; admins only.</summary>
    Task<string> Secret();
}

/// <summary>No class-level <c>[Authorize]</c>: anyone connects; <see cref="Secret"/> is for admins.</summary>
public sealed class VaultHandler : SocketHandler<ISecureClient>, IVaultServer
{
    public Task<string> Whoami() => Task.FromResult(Socket.Handshake.User.Identity?.Name ?? "anonymous");

    [Authorize(Roles = "admin")]
    public Task<string> Secret() => Task.FromResult("the secret");
}

/// <summary>
/// <c>[Authorize]</c> on a handler method with a real JWT bearer scheme and the official socket.io-client 4.8.4
/// (tests/interop-node/auth-events-client.mjs), over WebSocket and polling: the refused event's acknowledgement carries the reason,
/// the allowed one runs, and the socket stays connected either way.
/// </summary>
public sealed class EventAuthorizationInteropTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("typedsocketio-test-signing-key-of-32+-bytes"));

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task AuthorizeOnAMethod_RefusesTheEventWithAnAckThatSaysWhy_TheSocketStays(string transport)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(
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
            app => app.MapSocketIO<IVaultServer, ISecureClient>("/vault", ns => ns.UseHandler<VaultHandler>()));

        JsonElement ada = await RunClientAsync(server, transport, Token("ada", "admin"));
        Assert.Equal("[\"the secret\",\"ada\"]", ada.GetProperty("acks").GetRawText());
        Assert.True(ada.GetProperty("connected").GetBoolean());

        JsonElement bob = await RunClientAsync(server, transport, Token("bob"));
        JsonElement refusal = bob.GetProperty("acks")[0];
        Assert.Equal("Forbidden: the user is not allowed by the authorization policy of event \"secret\" of /vault.", refusal.GetProperty("message").GetString());
        Assert.Equal(403, refusal.GetProperty("data").GetProperty("status").GetInt32());
        Assert.Equal("bob", bob.GetProperty("acks")[1].GetString());
        Assert.True(bob.GetProperty("connected").GetBoolean());

        JsonElement anonymous = await RunClientAsync(server, transport, "-");
        refusal = anonymous.GetProperty("acks")[0];
        Assert.StartsWith("Unauthorized: event \"secret\" of /vault requires an authenticated user", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, refusal.GetProperty("data").GetProperty("status").GetInt32());
        Assert.Equal("anonymous", anonymous.GetProperty("acks")[1].GetString());
        Assert.True(anonymous.GetProperty("connected").GetBoolean());
    }

    private static async Task<JsonElement> RunClientAsync(LoopbackServer server, string transport, string token)
    {
        await using NodeScript client = NodeScript.Start("auth-events-client.mjs", server.BaseAddress, transport, token, "/vault", "secret", "whoami");
        JsonElement line = await client.WaitForLineAsync(l => l.GetProperty("event").GetString() is "done" or "connect_error" or "failed", TimeSpan.FromSeconds(30));
        Assert.Equal("done", line.GetProperty("event").GetString());
        return line;
    }

    private static string Token(string name, string? role = null)
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
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
