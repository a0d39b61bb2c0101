using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace TypedSocketIO.Client.Tests.EngineIO;

/// <summary>
/// tests/interop-node/eio-echo-server.mjs (the official <c>engine.io</c> package from npm) as a child process:
/// started with a bounded wait for its "listening" line, killed (whole tree) on dispose or after a hard lifetime.
/// </summary>
internal sealed class NodeEngineIOServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _lifetime;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeEngineIOServer(Process process, TimeSpan maxLifetime)
    {
        _process = process;
        _lifetime = new CancellationTokenSource(maxLifetime);
        _lifetime.Token.Register(Kill);
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The JSON lines the server printed.</summary>
    public IEnumerable<string> Output => _output;

    public static async Task<NodeEngineIOServer> StartAsync(int pingIntervalMs = 300, int pingTimeoutMs = 300)
    {
        string directory = FindInteropDirectory();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("eio-echo-server.mjs");
        start.ArgumentList.Add(pingIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(pingTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new NodeEngineIOServer(process, TimeSpan.FromMinutes(2));
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            server._output.Enqueue(e.Data);
            try
            {
                using var json = JsonDocument.Parse(e.Data);
                if (json.RootElement.GetProperty("event").GetString() == "listening")
                {
                    listening.TrySetResult(json.RootElement.GetProperty("port").GetInt32());
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { server._output.Enqueue("stderr: " + e.Data); } };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("node exited: " + string.Join('\n', server._output)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            int port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(15));
            server.BaseUri = new Uri($"http://127.0.0.1:{port}");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (bounded) until the server printed a line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            string? line = _output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"node never printed {text}:\n{string.Join('\n', _output)}");
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string FindInteropDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop-node");
            if (File.Exists(Path.Combine(candidate, "eio-echo-server.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop-node/eio-echo-server.mjs not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        _lifetime.Dispose();
        _process.Dispose();
    }
}
