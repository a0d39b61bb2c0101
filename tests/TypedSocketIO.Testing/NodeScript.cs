using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TypedSocketIO.Testing;

/// <summary>
/// A script of tests/interop-node (the official npm packages) in a Node process: its stdout's JSON lines collected,
/// commands written to its stdin, killed on dispose and, whatever happens, after a maximum lifetime. The scripts exit
/// when their stdin closes, so a crashed test host leaves no orphan.
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    private static readonly TimeSpan DefaultMaxLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<JsonElement> _lines = new();
    private readonly Process _process;
    private readonly CancellationTokenSource _lifetime;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly string _description;

    private NodeScript(Process process, TimeSpan maxLifetime, string description)
    {
        _process = process;
        _description = description;
        _lifetime = new CancellationTokenSource(maxLifetime);
        _lifetime.Token.Register(Kill);
    }

    /// <summary>The JSON object lines printed so far, in order.</summary>
    public IReadOnlyList<JsonElement> Lines => [.. _lines];

    /// <summary>Every line printed so far, in order: stdout's as they are, stderr's prefixed with <c>stderr: </c>.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>The folder of the scripts (tests/interop-node above the test's output folder), with node_modules installed.</summary>
    public static string ScriptDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "interop-node");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    if (!Directory.Exists(Path.Combine(candidate, "node_modules", "socket.io")))
                    {
                        throw new InvalidOperationException($"Run 'npm ci' in {candidate} first (node_modules is missing).");
                    }

                    return candidate;
                }
            }

            throw new InvalidOperationException("tests/interop-node not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Starts <c>node script arguments…</c> in <see cref="ScriptDirectory"/>.</summary>
    /// <param name="script">The script's file name, e.g. <c>client-sequence.mjs</c>.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process.</returns>
    public static NodeScript Start(string script, params string[] arguments) => Start(script, DefaultMaxLifetime, arguments);

    /// <summary>Starts <c>node script arguments…</c>, killed after <paramref name="maxLifetime"/> at the latest.</summary>
    /// <param name="script">The script's file name.</param>
    /// <param name="maxLifetime">The bound of the process's life.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process.</returns>
    public static NodeScript Start(string script, TimeSpan maxLifetime, params string[] arguments) =>
        StartProgram("node", ScriptDirectory, maxLifetime, [script, .. arguments]);

    /// <summary>
    /// Starts another program that speaks as the scripts do (JSON lines out, exits when its stdin closes), e.g.
    /// <c>python3</c> with the python-socketio server of tests/interop-python; killed after <paramref name="maxLifetime"/> at the latest.
    /// </summary>
    /// <param name="program">The program, e.g. <c>/usr/bin/python3</c>.</param>
    /// <param name="workingDirectory">Its working folder.</param>
    /// <param name="maxLifetime">The bound of the process's life.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process.</returns>
    public static NodeScript StartProgram(string program, string workingDirectory, TimeSpan maxLifetime, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeScript(process, maxLifetime, program + " " + string.Join(' ', arguments));
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data, error: true);
        process.Exited += (_, _) => node._changed.Release();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until a JSON line satisfies <paramref name="match"/>; fails with the whole output after <paramref name="timeout"/> or when the process exits first.</summary>
    /// <param name="match">The condition on one line.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first matching line.</returns>
    public async Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            foreach (JsonElement line in _lines)
            {
                if (match(line))
                {
                    return line;
                }
            }

            if (_process.HasExited)
            {
                // HasExited can be seen before the last lines were delivered: wait for the end of the redirected output,
                // then look once more.
                _process.WaitForExit();
                foreach (JsonElement line in _lines)
                {
                    if (match(line))
                    {
                        return line;
                    }
                }

                throw new InvalidOperationException("The process exited before the expected line.\n" + Describe());
            }

            try
            {
                await _changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The process did not print the expected line within {timeout}.\n" + Describe());
            }
        }
    }

    /// <summary>
    /// Runs a script that ends by itself (a client script) to its end and returns its stdout lines; fails with the whole
    /// output when it exits with an error or does not end within <paramref name="timeout"/> (then it is killed).
    /// </summary>
    /// <param name="script">The script's file name.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The lines it printed on stdout, in order.</returns>
    public static async Task<IReadOnlyList<string>> RunToEndAsync(string script, TimeSpan timeout, params string[] arguments)
    {
        await using NodeScript node = Start(script, timeout + TimeSpan.FromSeconds(5), arguments);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await node._process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill();
            throw new TimeoutException($"The script did not end within {timeout}.\n" + node.Describe());
        }

        node._process.WaitForExit();   // the end of the redirected output
        if (node._process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The script exited with {node._process.ExitCode}.\n" + node.Describe());
        }

        return [.. node._output.Where(l => !l.StartsWith("stderr: ", StringComparison.Ordinal))];
    }

    /// <summary>Writes one command line to the script's stdin.</summary>
    /// <param name="line">The command.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The command line and everything the process printed, for failure messages.</summary>
    /// <returns>The description.</returns>
    public string Describe() => "--- " + _description + " ---\n" + string.Join('\n', _output);

    /// <summary>Kills the process (and its children) and waits a little for it to exit.</summary>
    /// <returns>A task that completes when it exited or the grace period passed.</returns>
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

        _process.Dispose();
        _lifetime.Dispose();
    }

    private void OnLine(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(error ? "stderr: " + line : line);
        if (!error && line.StartsWith('{'))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                _lines.Enqueue(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // Not a JSON line: kept in the output only.
            }
        }

        _changed.Release();
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
            // Not started or already gone.
        }
    }

    /// <summary>Formats an integer for a command line.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Its invariant text.</returns>
    public static string Arg(int value) => value.ToString(CultureInfo.InvariantCulture);
}
