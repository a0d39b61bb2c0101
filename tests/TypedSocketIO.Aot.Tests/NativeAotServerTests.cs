using TypedSocketIO.Testing;

namespace TypedSocketIO.Aot.Tests;

/// <summary>
/// samples/AotServer published with NativeAOT: the publish prints no warning at all (no IL2xxx trim warning, no IL3xxx AOT
/// warning, nothing else), and the native binary serves the official socket.io-client 4.8.4 (tests/interop-node/aot-client.mjs)
/// over WebSocket, long-polling and the polling→WebSocket upgrade: emit, acknowledgements both ways, binary both ways and a
/// broadcast to a room reaching two clients.
/// </summary>
public sealed class NativeAotServerTests(AotPublish publish) : IClassFixture<AotPublish>
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Publish_SucceedsWithZeroWarnings()
    {
        PublishResult result = await publish.Result;
        Assert.False(result.TimedOut, result.Describe());
        // Warnings are errors in this repository, so a trim or AOT warning may surface as "error IL2057": either form fails, and
        // the lines come first in the message.
        IReadOnlyList<string> diagnostics = result.Diagnostics;
        Assert.True(diagnostics.Count == 0, $"the NativeAOT publish printed {diagnostics.Count} warning or error line(s):\n{string.Join('\n', diagnostics)}\n\n{result.Describe()}");
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(File.Exists(result.Binary), $"no native binary at {result.Binary}:\n{result.Describe()}");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(result.Binary)!, "AotServer.dll")), "the publish output holds a managed AotServer.dll: it is not a native build");
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    [InlineData("default")]
    public async Task NativeBinary_ServesTheOfficialClient(string transports)
    {
        string binary = await publish.GetBinaryAsync();
        await using NativeServer server = await NativeServer.StartAsync(binary, TimeSpan.FromSeconds(15));

        NodeScriptResult run = await NodeScript.RunAsync(
            "aot-client.mjs",
            [server.Address, "--transports", transports, "--timeout", ((int)ClientTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ClientTimeout + TimeSpan.FromSeconds(5));

        string context = $"{run.Describe()}\n--- native server ---\n{server.Output}";
        Assert.True(!run.TimedOut && run.ExitCode == 0 && run.Events("done").Count == 1, context);
        Assert.Equal(3, run.Events("connect").Count);
        foreach (string step in new[] { "echo", "ack-client-to-server", "ack-server-to-client", "binary", "broadcast" })
        {
            Assert.True(run.Events(step).Count == 1, $"no \"{step}\" step:\n{context}");
        }

        string expected = transports == "default" ? "websocket" : transports;
        Assert.All(run.Events("connect"), connect => Assert.Equal(expected, connect.GetProperty("transport").GetString()));
        Assert.True(server.FailureLines.Count == 0, $"the native server logged failures:\n{server.Output}");
    }
}
