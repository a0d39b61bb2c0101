using Xunit.Abstractions;
using TypedSocketIO.Interop.Tests.Infrastructure;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// Proves the scenarios themselves: each one passes against the official Node socket.io server
/// (tests/interop-node/reference-server.mjs), so a failure against our server is our server's.
/// </summary>
public sealed class ReferenceServerTests(ReferenceServerTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<ReferenceServerTests.Fixture>
{
    [Theory]
    [MemberData(nameof(Scenarios.All), MemberType = typeof(Scenarios))]
    public async Task Scenario_passes_against_the_official_server(string scenario, string transports)
    {
        var server = await fixture.GetAsync();
        var result = await Scenarios.RunClientAsync(scenario, server.BaseAddress, transports);
        output.WriteLine(result.StdOut);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.Describe() + "\n" + server.Process.Describe());
        result.AssertSuccess();

        if (scenario == "ping-timeout")
        {
            var id = result.One("socket").GetProperty("id").GetString();
            var reason = await WaitForDisconnectReasonAsync(server.Process, id!);
            Assert.Equal("ping timeout", reason);
        }
    }

    private static async Task<string?> WaitForDisconnectReasonAsync(NodeScript process, string id)
    {
        for (var i = 0; i < 100; i++)
        {
            var match = process.Events("server-disconnect").FirstOrDefault(e => e.GetProperty("id").GetString() == id);
            if (match.ValueKind != System.Text.Json.JsonValueKind.Undefined)
            {
                return match.GetProperty("reason").GetString();
            }
            await Task.Delay(50);
        }
        return null;
    }

    public sealed record Running(NodeScript Process, string BaseAddress);

    /// <summary>One reference server for the class, on a free loopback port.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private Running? _running;

        public Task<Running> GetAsync() => Task.FromResult(_running!);

        public async Task InitializeAsync()
        {
            var (process, ready) = await NodeScript.StartAsync(
                "reference-server.mjs", "listening", TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10), "0");
            _running = new Running(process, $"http://127.0.0.1:{ready.GetProperty("port").GetInt32()}");
        }

        public async Task DisposeAsync()
        {
            if (_running is not null)
            {
                await _running.Process.DisposeAsync();
            }
        }
    }
}
