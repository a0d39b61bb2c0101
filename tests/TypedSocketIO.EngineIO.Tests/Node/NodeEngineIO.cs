using System.Text.Json;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests.Node;

/// <summary>
/// The official Node <c>engine.io</c> server (tests/interop-node/eio-exact-server.mjs) as a child process, the reference
/// the exactness tests compare our server with, through the shared <see cref="NodeScript"/> (killed, whole tree, on
/// dispose or after its maximum lifetime; the script also exits when its stdin closes).
/// </summary>
internal sealed class NodeEngineIOServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan OutputTimeout = TimeSpan.FromSeconds(10);

    private readonly NodeScript _process;

    private NodeEngineIOServer(NodeScript process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>The lines the server printed (JSON lines on stdout, stderr prefixed).</summary>
    public IEnumerable<string> Output => _process.Output;

    /// <summary>Starts the reference server with engine.io options (see the script's header) and waits for it to listen.</summary>
    public static async Task<NodeEngineIOServer> StartAsync(object options)
    {
        NodeScript process = NodeScript.Start("eio-exact-server.mjs", JsonSerializer.Serialize(options));
        try
        {
            JsonElement listening = await process.WaitForLineAsync(
                l => l.TryGetProperty("event", out JsonElement e) && e.ValueKind == JsonValueKind.String && e.GetString() == "listening",
                StartTimeout);
            return new NodeEngineIOServer(process, new Uri($"http://127.0.0.1:{listening.GetProperty("port").GetInt32()}"));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (bounded) until the server printed a JSON line containing <paramref name="text"/>, and returns it.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        JsonElement line = await _process.WaitForLineAsync(l => l.GetRawText().Contains(text, StringComparison.Ordinal), OutputTimeout);
        return line.GetRawText();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

/// <summary>Runs the client scripts of tests/interop-node (the official npm packages, pinned; <c>npm ci</c> installs them).</summary>
internal static class NodeScripts
{
    /// <summary>Runs a client script to its end (at most 20 s) and returns its stdout lines.</summary>
    public static Task<IReadOnlyList<string>> RunAsync(string script, params string[] arguments) =>
        NodeScript.RunToEndAsync(script, TimeSpan.FromSeconds(20), arguments);
}
