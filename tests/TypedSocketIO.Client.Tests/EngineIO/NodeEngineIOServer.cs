using System.Text.Json;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>
/// tests/interop-node/eio-echo-server.mjs (the official <c>engine.io</c> package from npm) through the shared
/// <see cref="NodeScript"/>: started with a bounded wait for its "listening" line, killed on dispose or after its lifetime.
/// </summary>
internal sealed class NodeEngineIOServer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly NodeScript _process;

    private NodeEngineIOServer(NodeScript process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<NodeEngineIOServer> StartAsync(int pingIntervalMs = 300, int pingTimeoutMs = 300)
    {
        NodeScript process = NodeScript.Start("eio-echo-server.mjs", NodeScript.Arg(pingIntervalMs), NodeScript.Arg(pingTimeoutMs));
        try
        {
            JsonElement listening = await process.WaitForLineAsync(l => IsEvent(l, "listening"), Wait);
            return new NodeEngineIOServer(process, new Uri($"http://127.0.0.1:{listening.GetProperty("port").GetInt32()}"));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (bounded) until the server printed a JSON line containing <paramref name="text"/>; returns that line.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        JsonElement line = await _process.WaitForLineAsync(l => l.GetRawText().Contains(text, StringComparison.Ordinal), Wait);
        return line.GetRawText();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static bool IsEvent(JsonElement line, string name) =>
        line.TryGetProperty("event", out JsonElement e) && e.ValueKind == JsonValueKind.String && e.GetString() == name;
}
