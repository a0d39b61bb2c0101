using Xunit.Abstractions;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Interop.Tests.Typed;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// The official socket.io-client (npm, pinned) against our server, over WebSocket only, polling
/// only and the default polling → WebSocket upgrade (tests/interop-node/SCENARIOS.md).
/// </summary>
public sealed class OfficialClientTests(OfficialClientTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<OfficialClientTests.Fixture>
{
    [Theory]
    [MemberData(nameof(Scenarios.All), MemberType = typeof(Scenarios))]
    public async Task Scenario_passes_against_our_server(string scenario, string transports)
    {
        InteropServer server = await fixture.GetAsync();
        int before = server.HttpPipelineWebSocketHandshakes;
        await RunAsync(server, scenario, transports, output);

        // By default the WebSockets are served by the lean Kestrel transport: none reaches the HTTP pipeline.
        Assert.Equal(before, server.HttpPipelineWebSocketHandshakes);
    }

    /// <summary>Runs one scenario of client.mjs against <paramref name="server"/> and checks what the server saw.</summary>
    internal static async Task RunAsync(IScenarioHost server, string scenario, string transports, ITestOutputHelper output)
    {
        var result = await Scenarios.RunClientAsync(scenario, server.Host.BaseAddress, transports);
        output.WriteLine(result.StdOut);
        Assert.True(result.ExitCode == 0 && !result.TimedOut && result.Events("done").Count == 1,
            result.Describe() + "\n--- server log (tail) ---\n" + server.Host.Logs.Tail());
        Assert.Empty(server.HandlerErrors);

        switch (scenario)
        {
            case "ping-timeout":
            {
                var id = result.One("socket").GetProperty("id").GetString()!;
                var reason = await server.WaitForDisconnectReasonAsync("/", id, TimeSpan.FromSeconds(5));
                Assert.True(reason == "ping timeout",
                    $"the server saw \"{reason}\", not \"ping timeout\"\n{result.Describe()}\n--- server log (tail) ---\n{server.Host.Logs.Tail()}");
                break;
            }
            case "server-disconnect":
            {
                var id = result.One("socket").GetProperty("id").GetString()!;
                var reason = await server.WaitForDisconnectReasonAsync("/", id, TimeSpan.FromSeconds(5));
                Assert.Equal("server namespace disconnect", reason);
                break;
            }
            case "middleware":
            {
                var error = result.One("connect_error");
                Assert.Equal("not authorized", error.GetProperty("message").GetString());
                Assert.Equal(401, error.GetProperty("data").GetProperty("code").GetInt32());
                break;
            }
            case "namespaces":
            {
                // the client left /admin once: the server saw it go
                var admin = result.One("engine").GetProperty("admin").GetString()!;
                var reason = await server.WaitForDisconnectReasonAsync("/admin", admin, TimeSpan.FromSeconds(5));
                Assert.Equal("client namespace disconnect", reason);
                break;
            }
            default:
                break;
        }

        if (transports == "default")
        {
            Assert.Equal("websocket", result.Events("upgraded")[0].GetProperty("transport").GetString());
        }
    }

    /// <summary>One server for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private InteropServer? _server;

        public Task<InteropServer> GetAsync() => Task.FromResult(_server!);

        public async Task InitializeAsync() => _server = await InteropServer.StartAsync();

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// The scenarios that use a WebSocket (WebSocket only, and the polling → WebSocket upgrade) against our server with
/// <c>EngineIOOptions.KestrelWebSocketTransport</c> off: every WebSocket served by ASP.NET Core's WebSocket middleware.
/// </summary>
public sealed class OfficialClientAspNetCoreWebSocketTests(OfficialClientAspNetCoreWebSocketTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<OfficialClientAspNetCoreWebSocketTests.Fixture>
{
    /// <summary>Every scenario over the two transport modes that open a WebSocket.</summary>
    public static TheoryData<string, string> WebSocketScenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Scenarios.Names)
        {
            data.Add(name, "websocket");
            data.Add(name, "default");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WebSocketScenarios))]
    public async Task Scenario_passes_over_the_aspnetcore_websocket_transport(string scenario, string transports)
    {
        InteropServer server = await fixture.GetAsync();
        int before = server.HttpPipelineWebSocketHandshakes;
        await OfficialClientTests.RunAsync(server, scenario, transports, output);
        Assert.True(server.HttpPipelineWebSocketHandshakes > before, "the WebSocket did not go through the HTTP pipeline");
    }

    /// <summary>One server for the class, the lean transport off.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private InteropServer? _server;

        public Task<InteropServer> GetAsync() => Task.FromResult(_server!);

        public async Task InitializeAsync() => _server = await InteropServer.StartAsync(kestrelWebSocketTransport: false);

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// The same scenarios × transports against our server with its handlers written through the typed API
/// (<see cref="TypedInteropServer"/>: generated emitters and listeners, a handler class, typed middleware and rooms).
/// </summary>
public sealed class TypedOfficialClientTests(TypedOfficialClientTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<TypedOfficialClientTests.Fixture>
{
    [Theory]
    [MemberData(nameof(Scenarios.All), MemberType = typeof(Scenarios))]
    public async Task Scenario_passes_against_our_typed_server(string scenario, string transports) =>
        await OfficialClientTests.RunAsync(await fixture.GetAsync(), scenario, transports, output);

    /// <summary>One typed server for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private TypedInteropServer? _server;

        public Task<TypedInteropServer> GetAsync() => Task.FromResult(_server!);

        public async Task InitializeAsync() => _server = await TypedInteropServer.StartAsync();

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
