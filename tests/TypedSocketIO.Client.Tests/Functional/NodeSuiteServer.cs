using System.Text.Json;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// tests/interop-node/dotnet-client-server.mjs (official socket.io 4.8.4) in a Node process on 127.0.0.1, through the
/// shared <see cref="NodeScript"/> (killed on dispose and after its maximum lifetime; the script exits when its stdin closes).
/// </summary>
public sealed class NodeSuiteServer : ISuiteServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly List<int> _sequenceBefore = [];
    private readonly List<string> _logBefore = [];
    private readonly string[] _extraArguments;
    private NodeScript? _process;
    private int _port;

    private NodeSuiteServer(string[] extraArguments) => _extraArguments = extraArguments;

    public Uri Uri => new($"http://127.0.0.1:{_port}/");

    public IReadOnlyList<int> Sequence => [.. _sequenceBefore, .. SequenceOf(_process)];

    /// <summary>The requests logged with <c>--log-requests</c> by the running process, in order.</summary>
    public IReadOnlyList<JsonElement> Requests => Events("request");

    /// <summary>The lines <c>{"event": name, …}</c> the running process printed, in order.</summary>
    public IReadOnlyList<JsonElement> Events(string name) =>
        _process?.Events(name) ?? [];

    public static async Task<NodeSuiteServer> StartAsync(params string[] extraArguments)
    {
        var server = new NodeSuiteServer(extraArguments);
        try
        {
            await server.StartProcessAsync(0);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public Task StopAsync() => KillAsync();

    public Task StartAgainAsync() => StartProcessAsync(_port);

    public string Describe() => string.Join('\n', [.. _logBefore, _process?.Describe() ?? string.Empty]);

    public async ValueTask DisposeAsync() => await KillAsync();

    private static IEnumerable<int> SequenceOf(NodeScript? process) =>
        process is null
            ? []
            : process.Lines.Where(l => l.TryGetProperty("event", out JsonElement e) && e.GetString() == "seq").Select(l => l.GetProperty("n").GetInt32());

    private async Task StartProcessAsync(int port)
    {
        NodeScript process = NodeScript.Start("dotnet-client-server.mjs", [NodeScript.Arg(port), .. _extraArguments]);
        _process = process;
        JsonElement listening = await process.WaitForLineAsync(
            l => l.TryGetProperty("event", out JsonElement e) && e.GetString() == "listening", StartTimeout);
        _port = listening.GetProperty("port").GetInt32();
    }

    private async Task KillAsync()
    {
        NodeScript? process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        await process.DisposeAsync();
        _sequenceBefore.AddRange(SequenceOf(process));
        _logBefore.Add(process.Describe());
    }
}
