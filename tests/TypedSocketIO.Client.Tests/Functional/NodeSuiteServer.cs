using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>
/// tests/interop-node/dotnet-client-server.mjs (official socket.io 4.8.4) in a Node process on 127.0.0.1. Killed on
/// dispose and, whatever happens, after <see cref="MaxLifetime"/>; the script also exits when its stdin closes, so a
/// crashed test host leaves no orphan.
/// </summary>
public sealed class NodeSuiteServer : ISuiteServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentQueue<int> _sequence = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly string[] _extraArguments;
    private Process? _process;
    private CancellationTokenSource? _lifetime;
    private int _port;

    private NodeSuiteServer(string[] extraArguments) => _extraArguments = extraArguments;

    public Uri Uri => new($"http://127.0.0.1:{_port}/");

    public IReadOnlyList<int> Sequence => [.. _sequence];

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

    public string Describe() => "--- node output ---\n" + string.Join('\n', _log);

    public async ValueTask DisposeAsync() => await KillAsync();

    private static string FindScriptDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "interop-node");
            if (File.Exists(Path.Combine(candidate, "dotnet-client-server.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/interop-node/dotnet-client-server.mjs not found above " + AppContext.BaseDirectory);
    }

    private async Task StartProcessAsync(int port)
    {
        string directory = FindScriptDirectory();
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "socket.io")))
        {
            throw new InvalidOperationException($"Run 'npm ci' in {directory} first (socket.io is missing from node_modules).");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("dotnet-client-server.mjs");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string argument in _extraArguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            _log.Enqueue(e.Data);
            if (!e.Data.StartsWith('{'))
            {
                return;
            }

            using JsonDocument line = JsonDocument.Parse(e.Data);
            switch (line.RootElement.GetProperty("event").GetString())
            {
                case "listening":
                    listening.TrySetResult(line.RootElement.GetProperty("port").GetInt32());
                    break;
                case "seq":
                    _sequence.Enqueue(line.RootElement.GetProperty("n").GetInt32());
                    break;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _log.Enqueue("stderr: " + e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("node exited before listening.\n" + Describe()));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _lifetime = new CancellationTokenSource(MaxLifetime);
        _lifetime.Token.Register(() => Kill(process));
        _port = await listening.Task.WaitAsync(StartTimeout);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async Task KillAsync()
    {
        Process? process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        Kill(process);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
        }

        process.Dispose();
        _lifetime?.Dispose();
    }
}
