using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.EngineIO.Tests.Node;

/// <summary>
/// The official Node <c>engine.io</c> server (tests/interop-node/eio-exact-server.mjs) as a child process, the reference
/// the exactness tests compare our server with; killed (whole tree) on dispose or after a hard lifetime.
/// </summary>
internal sealed class NodeEngineIOServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _lifetime = new(TimeSpan.FromMinutes(2));
    private readonly ConcurrentQueue<string> _output = new();

    private NodeEngineIOServer(Process process)
    {
        _process = process;
        _lifetime.Token.Register(Kill);
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The lines the server printed (JSON lines on stdout, stderr prefixed).</summary>
    public IEnumerable<string> Output => _output;

    /// <summary>Starts the reference server with engine.io options (see the script's header) and waits for it to listen.</summary>
    public static async Task<NodeEngineIOServer> StartAsync(object options)
    {
        ProcessStartInfo start = NodeScripts.StartInfo("eio-exact-server.mjs", JsonSerializer.Serialize(options));
        start.RedirectStandardInput = true;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new NodeEngineIOServer(process);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            server._output.Enqueue(e.Data);
            if (e.Data.Contains("\"listening\"", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(e.Data);
                listening.TrySetResult(json.RootElement.GetProperty("port").GetInt32());
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { server._output.Enqueue("stderr: " + e.Data); } };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("node exited: " + string.Join('\n', server._output)));
        NodeScripts.Start(process);
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

    /// <summary>Waits (bounded) until the server printed a line containing <paramref name="text"/>, and returns it.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
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

/// <summary>Runs the scripts of tests/interop-node, whose npm packages (the official ones, pinned) <c>npm ci</c> installs.</summary>
internal static class NodeScripts
{
    private static readonly Lazy<string> InteropDirectory = new(Find);

    public static ProcessStartInfo StartInfo(string script, params string[] arguments)
    {
        string directory = InteropDirectory.Value;
        if (!File.Exists(Path.Combine(directory, "node_modules", "engine.io", "package.json")))
        {
            throw new InvalidOperationException($"The npm packages of the interop tests are missing in {directory}: run npm ci there.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public static void Start(Process process)
    {
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("node is not installed or not on PATH: the exactness tests run the official engine.io with it.", ex);
        }
    }

    /// <summary>Runs a client script to its end (at most 20 s) and returns its stdout lines.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string script, params string[] arguments)
    {
        using var process = new Process { StartInfo = StartInfo(script, arguments) };
        var stdout = new ConcurrentQueue<string>();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { stdout.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        Start(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in 20 s:\n{string.Join('\n', stdout)}\n{stderr}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}:\n{string.Join('\n', stdout)}\n{stderr}");
        }

        return stdout.ToArray();
    }

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop-node");
            if (File.Exists(Path.Combine(candidate, "eio-exact-server.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop-node/eio-exact-server.mjs not found above " + AppContext.BaseDirectory);
    }
}
