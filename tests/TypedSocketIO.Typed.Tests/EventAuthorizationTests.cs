using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.TestHost;

namespace TypedSocketIO.Typed.Tests;

/// <summary><c>[Authorize]</c> on the methods of a handler class: each event checked against the handshake user before it runs.</summary>
public sealed class EventAuthorizationTests
{
    [Fact]
    public async Task AuthorizeOnAMethod_RefusedEventDoesNotRun_AckAnsweredWithTheReason_SocketStaysConnected()
    {
        var journal = new HandlerJournal();
        var seen = new List<string>();
        await using var host = SocketIOTestHost.Create(services => services
            .AddSingleton(journal)
            .AddSingleton<IAuthorizationHandler>(new RecordingHandler(seen))
            .AddAuthorization(o => o.AddPolicy("adults", p => p.RequireClaim("age", "18", "30", "60"))));
        host.Map<ITestServer, ITestClient>("/", ns => ns.UseHandler<MethodAuthHandler>());

        // An adult may do everything.
        await using var adult = await host.ConnectAsync("/", o => o.User = User(("age", "30")));
        Assert.Equal("{\"value\":3}", Raw(await adult.EmitWithAckAsync("add", 1, 2)));
        Assert.Equal("\"hi\"", Raw(await adult.EmitWithAckAsync("echo", "hi")));

        // A minor: the unprotected event runs; the protected one is answered with the refusal and does not run; the socket stays.
        await using var minor = await host.ConnectAsync("/", o => o.User = User(("age", "12")));
        Assert.Equal("{\"value\":5}", Raw(await minor.EmitWithAckAsync("add", 2, 3)));
        JsonElement forbidden = JsonDocument.Parse(Raw(await minor.EmitWithAckAsync("echo", "secret"))).RootElement;
        Assert.Equal("Forbidden: the user is not allowed by the authorization policy of event \"echo\" of /.", forbidden.GetProperty("message").GetString());
        Assert.Equal(403, forbidden.GetProperty("data").GetProperty("status").GetInt32());
        minor.SendRaw("2[\"custom-name\",{\"name\":\"minor\",\"count\":1}]"); // [Authorize] (any user) passes
        await WaitUntilAsync(() => journal.Entries.Contains("custom:minor"));
        Assert.True(minor.IsConnected);

        // Anonymous: 401, and an event without an ack is dropped silently (not run).
        await using var anonymous = await host.ConnectAsync("/");
        anonymous.SendRaw("2[\"custom-name\",{\"name\":\"anonymous\",\"count\":1}]");
        JsonElement refusal = JsonDocument.Parse(Raw(await anonymous.EmitWithAckAsync("echo", "x"))).RootElement;
        Assert.StartsWith("Unauthorized: event \"echo\" of / requires an authenticated user", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, refusal.GetProperty("data").GetProperty("status").GetInt32());
        Assert.Equal("{\"value\":1}", Raw(await anonymous.EmitWithAckAsync("add", 1, 0)));
        Assert.True(anonymous.IsConnected);

        Assert.Equal(["custom:minor", "echo:hi"], journal.Entries.Order(StringComparer.Ordinal));
        // The authorization handlers get the socket and the event as the resource.
        lock (seen)
        {
            Assert.Contains("echo@" + adult.Id, seen);
            Assert.Contains("echo@" + minor.Id, seen);
        }
    }

    [Fact]
    public async Task AllowAnonymousOnTheClass_TurnsTheMethodChecksOff()
    {
        var journal = new HandlerJournal();
        await using var host = SocketIOTestHost.Create(services => services.AddSingleton(journal).AddAuthorization());
        host.Map<ITestServer, ITestClient>("/", ns => ns.UseHandler<OpenMethodAuthHandler>());
        await using var anonymous = await host.ConnectAsync("/");
        Assert.Equal("\"x\"", Raw(await anonymous.EmitWithAckAsync("echo", "x")));
    }

    [Fact]
    public async Task AuthorizeOnAMethod_WithoutTheAuthorizationServices_TheMappingSaysWhatIsMissing()
    {
        await using var host = SocketIOTestHost.Create(services => services.AddSingleton(new HandlerJournal()));
        var error = Assert.Throws<InvalidOperationException>(() => host.Map<ITestServer, ITestClient>("/", ns => ns.UseHandler<MethodAuthHandler>()));
        Assert.Contains("services.AddAuthorization()", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static string Raw(TypedSocketIO.SocketIO.SocketIOArguments arguments) => Encoding.UTF8.GetString(arguments.GetRawJson(0).Span);

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), authenticationType: "test"));

    public class MethodAuthHandler(HandlerJournal journal) : SocketHandler<ITestClient>, ITestServer
    {
        public void Hello(string name)
        {
        }

        public Task<Sum> Add(int a, int b) => Task.FromResult(new Sum(a + b));

        public ValueTask<byte[]> Reverse(byte[] data) => new(data);

        [Authorize]
        void ITestServer.Custom(Item item) => journal.Entries.Enqueue("custom:" + item.Name);

        [Authorize(Policy = "adults")]
        public Task<string?> Echo(string? text)
        {
            journal.Entries.Enqueue("echo:" + text);
            return Task.FromResult(text);
        }
    }

    [AllowAnonymous]
    public sealed class OpenMethodAuthHandler(HandlerJournal journal) : MethodAuthHandler(journal)
    {
    }

    /// <summary>Records the event and socket of every check; decides nothing.</summary>
    private sealed class RecordingHandler(List<string> seen) : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            if (context.Resource is SocketIOEventAuthorizationContext e)
            {
                lock (seen)
                {
                    seen.Add(e.EventName + "@" + e.Socket.Id);
                }
            }

            return Task.CompletedTask;
        }
    }
}
