using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.TestHost;

namespace TypedSocketIO.Typed.Tests;

/// <summary><c>[Authorize]</c> on handler classes, checked against the handshake's user before the handler exists.</summary>
public sealed class HandlerAuthorizationTests
{
    [Fact]
    public async Task Policy_IsCheckedAgainstTheHandshakeUser_RefusalsAreConnectErrors()
    {
        await using var host = SocketIOTestHost.Create(services => services.AddAuthorization(o =>
            o.AddPolicy("adults", p => p.RequireClaim("age", "18", "30", "60"))));
        host.Map<ITestServer, ITestClient>("/adults", ns => ns.UseHandler<AdultsOnlyHandler>());
        host.Map<ITestServer, ITestClient>("/open", ns => ns.UseHandler<OpenHandler>());

        await using var adult = await host.ConnectAsync<ITestClient, ITestServer>("/adults", o => o.User = User(("age", "30")));
        Assert.Equal(new Sum(3), await adult.Emit.Add(1, 2));

        var minor = await Assert.ThrowsAsync<SocketIOTestConnectException>(() =>
            host.ConnectAsync<ITestClient, ITestServer>("/adults", o => o.User = User(("age", "12"))));
        Assert.StartsWith("Forbidden: the user is not allowed by the authorization policy of /adults.", minor.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(403, minor.ServerData!.Value.GetProperty("status").GetInt32());

        var anonymous = await Assert.ThrowsAsync<SocketIOTestConnectException>(() => host.ConnectAsync<ITestClient, ITestServer>("/adults"));
        Assert.Equal(401, anonymous.ServerData!.Value.GetProperty("status").GetInt32());
        Assert.Equal(1, host.IO.Diagnostics.GetSocketCount("/adults"));

        // [AllowAnonymous] wins over an inherited [Authorize].
        await using var guest = await host.ConnectAsync<ITestClient, ITestServer>("/open");
        Assert.Equal(new Sum(5), await guest.Emit.Add(2, 3));
    }

    [Fact]
    public async Task WithoutTheAuthorizationServices_TheMappingSaysWhatIsMissing()
    {
        await using var host = SocketIOTestHost.Create();
        var error = Assert.Throws<InvalidOperationException>(() => host.Map<ITestServer, ITestClient>("/adults", ns => ns.UseHandler<AdultsOnlyHandler>()));
        Assert.Contains("services.AddAuthorization()", error.Message, StringComparison.Ordinal);
    }

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), authenticationType: "test"));

    [Authorize(Policy = "adults")]
    public class AdultsOnlyHandler : SocketHandler<ITestClient>, ITestServer
    {
        public void Hello(string name)
        {
        }

        public Task<Sum> Add(int a, int b) => Task.FromResult(new Sum(a + b));

        public ValueTask<byte[]> Reverse(byte[] data) => new(data);

        public void Custom(Item item)
        {
        }

        public Task<string?> Echo(string? text) => Task.FromResult(text);
    }

    [AllowAnonymous]
    public sealed class OpenHandler : AdultsOnlyHandler
    {
    }
}
