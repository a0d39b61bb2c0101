using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TypedSocketIO.Aot.Tests;

/// <summary>
/// The published native binary, started on 127.0.0.1 with port 0 (the system picks a free one) and read back from the
/// "listening on …" line it prints. It runs under coreutils' <c>timeout</c> where there is one, so that even a test host
/// that dies leaves no server behind for long; disposing kills it with its process tree.
/// </summary>
public sealed partial class NativeServer : IAsyncDisposable
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly CancellationTokenSource _lifetime = new(MaxLifetime);

    private NativeServer(Process process)
    {
        _process = process;
        _lifetime.Token.Register(Kill);
    }

    /// <summary>The address it listens on, such as <c>http://127.0.0.1:40123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>What it printed on stdout and stderr.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<NativeServer> StartAsync(string binary, TimeSpan startTimeout)
    {
        string timeout = File.Exists("/usr/bin/timeout") ? "/usr/bin/timeout" : File.Exists("/bin/timeout") ? "/bin/timeout" : "";
        var start = new ProcessStartInfo(timeout.Length > 0 ? timeout : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(binary)!,
        };
        if (timeout.Length > 0)
        {
            start.ArgumentList.Add("--kill-after=5s");
            start.ArgumentList.Add($"{(int)MaxLifetime.TotalSeconds}s");
            start.ArgumentList.Add(binary);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new NativeServer(process);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            server._output.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { server._output.Enqueue(e.Data); } };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the native server exited before listening"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.Address = await listening.Task.WaitAsync(startTimeout);
            return server;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"{binary} did not print \"listening on\" within {startTimeout} ({e.Message}).\n{server.Output}", e);
        }
    }

    /// <summary>Lines that report a failure (ASP.NET Core's console logger writes "fail:" and "crit:").</summary>
    public IReadOnlyList<string> FailureLines =>
        _output.Where(line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
            || line.Contains("Unhandled exception", StringComparison.Ordinal)).ToList();

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
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _lifetime.Dispose();
    }

    [GeneratedRegex(@"^listening on (http://\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
