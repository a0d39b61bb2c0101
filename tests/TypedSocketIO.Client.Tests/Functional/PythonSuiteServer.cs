using System.Text.Json;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// tests/interop-python/socketio_server.py (python-socketio 5.7 on aiohttp, Debian's python3-socketio and
/// python3-aiohttp, which test.sh installs) in a process on 127.0.0.1, through the shared <see cref="NodeScript"/>
/// (killed on dispose and after its maximum lifetime; the script exits when its stdin closes).
/// </summary>
public sealed class PythonSuiteServer : ISuiteServer
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(2);

    private readonly List<int> _sequenceBefore = [];
    private readonly List<string> _logBefore = [];
    private NodeScript? _process;
    private int _port;

    private PythonSuiteServer()
    {
    }

    public Uri Uri => new($"http://127.0.0.1:{_port}/");

    public IReadOnlyList<int> Sequence => [.. _sequenceBefore, .. SequenceOf(_process)];

    /// <summary>tests/interop-python above the test's output folder.</summary>
    private static string ScriptDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "interop-python");
                if (File.Exists(Path.Combine(candidate, "socketio_server.py")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("tests/interop-python not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<PythonSuiteServer> StartAsync()
    {
        if (!File.Exists(Python) || !Directory.Exists("/usr/lib/python3/dist-packages/socketio") || !Directory.Exists("/usr/lib/python3/dist-packages/aiohttp"))
        {
            throw new InvalidOperationException(
                "python-socketio is missing: install Debian's python3-socketio and python3-aiohttp (test.sh does) for the python-socketio client suite.");
        }

        var server = new PythonSuiteServer();
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
        // -I: isolated (no user site-packages, no PYTHON* variables): Debian's packages only.
        NodeScript process = NodeScript.StartProgram(Python, ScriptDirectory, MaxLifetime, "-I", "socketio_server.py", NodeScript.Arg(port));
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
