using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Testing;

/// <summary>
/// A script of tests/interop-node (the official npm packages) in a Node process: its stdout's JSON lines collected,
/// commands written to its stdin, killed on dispose and, whatever happens, after a maximum lifetime. The scripts exit
/// when their stdin closes, so a crashed test host leaves no orphan. The one way every test project starts and stops
/// Node (servers, client scripts run to their end, drivers answering commands) and other line-speaking programs.
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    private static readonly TimeSpan DefaultMaxLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<JsonElement> _lines = new();
    private readonly Process _process;
    private readonly CancellationTokenSource _lifetime;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly SemaphoreSlim _stdin = new(1, 1);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _description;
    private readonly Action<JsonElement>? _onLine;

    private NodeScript(Process process, TimeSpan maxLifetime, string description, Action<JsonElement>? onLine)
    {
        _process = process;
        _description = description;
        _onLine = onLine;
        _lifetime = new CancellationTokenSource(maxLifetime);
        _lifetime.Token.Register(Kill);
    }

    /// <summary>Completes when the process has exited (killed included).</summary>
    public Task Exited => _exited.Task;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The lines printed on stderr so far, in order.</summary>
    public IReadOnlyList<string> StdErr => [.. _output.Where(l => l.StartsWith(StdErrPrefix, StringComparison.Ordinal)).Select(l => l[StdErrPrefix.Length..])];

    private const string StdErrPrefix = "stderr: ";

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
        StartProgram("node", ScriptDirectory, maxLifetime, onLine: null, [script, .. arguments]);

    /// <summary>
    /// Starts <c>node script arguments…</c>, killed after <paramref name="maxLifetime"/> at the latest, calling
    /// <paramref name="onLine"/> with each JSON line as it arrives (one at a time, in order, on the reader's thread:
    /// it must not block), e.g. to answer a driver's replies.
    /// </summary>
    /// <param name="script">The script's file name.</param>
    /// <param name="maxLifetime">The bound of the process's life.</param>
    /// <param name="onLine">Called with each JSON line.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process.</returns>
    public static NodeScript Start(string script, TimeSpan maxLifetime, Action<JsonElement> onLine, params string[] arguments) =>
        StartProgram("node", ScriptDirectory, maxLifetime, onLine, [script, .. arguments]);

    /// <summary>Starts a server script and waits for its JSON line whose <c>event</c> is <paramref name="readyEvent"/> (e.g. <c>listening</c>, with its port).</summary>
    /// <param name="script">The script's file name.</param>
    /// <param name="readyEvent">The event of the line that says the script is ready.</param>
    /// <param name="startTimeout">How long to wait for it; the process is killed when it does not come.</param>
    /// <param name="maxLifetime">The bound of the process's life.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process and its ready line.</returns>
    public static async Task<(NodeScript Node, JsonElement Ready)> StartAsync(
        string script, string readyEvent, TimeSpan startTimeout, TimeSpan maxLifetime, params string[] arguments)
    {
        NodeScript node = Start(script, maxLifetime, arguments);
        try
        {
            JsonElement ready = await node.WaitForLineAsync(l => IsEvent(l, readyEvent), startTimeout);
            return (node, ready);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>The JSON lines printed so far whose <c>event</c> property is <paramref name="eventName"/>.</summary>
    /// <param name="eventName">The event.</param>
    /// <returns>The lines, in order.</returns>
    public IReadOnlyList<JsonElement> Events(string eventName) => [.. _lines.Where(l => IsEvent(l, eventName))];

    /// <summary>Whether a JSON line's <c>event</c> property is <paramref name="eventName"/>.</summary>
    /// <param name="line">The line.</param>
    /// <param name="eventName">The event.</param>
    /// <returns>Whether it is.</returns>
    public static bool IsEvent(JsonElement line, string eventName) =>
        line.ValueKind == JsonValueKind.Object && line.TryGetProperty("event", out JsonElement e)
        && e.ValueKind == JsonValueKind.String && e.GetString() == eventName;

    /// <summary>
    /// Starts another program that speaks as the scripts do (JSON lines out, exits when its stdin closes), e.g.
    /// <c>python3</c> with the python-socketio server of tests/interop-python; killed after <paramref name="maxLifetime"/> at the latest.
    /// </summary>
    /// <param name="program">The program, e.g. <c>/usr/bin/python3</c>.</param>
    /// <param name="workingDirectory">Its working folder.</param>
    /// <param name="maxLifetime">The bound of the process's life.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The running process.</returns>
    public static NodeScript StartProgram(string program, string workingDirectory, TimeSpan maxLifetime, params string[] arguments) =>
        StartProgram(program, workingDirectory, maxLifetime, onLine: null, arguments);

    private static NodeScript StartProgram(string program, string workingDirectory, TimeSpan maxLifetime, Action<JsonElement>? onLine, string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No debug output from the socket.io packages unless a script asks for it.
        info.Environment.Remove("DEBUG");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeScript(process, maxLifetime, program + " " + string.Join(' ', arguments), onLine);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data, error: true);
        process.Exited += (_, _) =>
        {
            node._exited.TrySetResult();
            node._changed.Release();
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            node._lifetime.Dispose();
            process.Dispose();
            throw new InvalidOperationException($"Could not start {program}: is it installed and on the PATH? {e.Message}", e);
        }

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
        NodeScriptResult result = await RunAsync(script, arguments, timeout);
        if (result.TimedOut)
        {
            throw new TimeoutException($"The script did not end within {timeout}.\n" + result.Describe());
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"The script exited with {result.ExitCode}.\n" + result.Describe());
        }

        return result.StdOutLines;
    }

    /// <summary>
    /// Runs a script that ends by itself to its end, or kills it after <paramref name="timeout"/> (or when
    /// <paramref name="cancellationToken"/> fires), and returns what happened without judging it: exit code, output, time.
    /// </summary>
    /// <param name="script">The script's file name.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="cancellationToken">Stops it early (then this throws).</param>
    /// <returns>The run.</returns>
    public static Task<NodeScriptResult> RunAsync(
        string script, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunProgramAsync("node", ScriptDirectory, [script, .. arguments], timeout, cancellationToken);

    /// <summary>As <see cref="RunAsync"/>, for any program in any folder (e.g. <c>node</c> running <c>tsc</c> in a temporary project).</summary>
    /// <param name="program">The program, e.g. <c>node</c>.</param>
    /// <param name="workingDirectory">Its working folder.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <param name="cancellationToken">Stops it early (then this throws).</param>
    /// <returns>The run.</returns>
    public static async Task<NodeScriptResult> RunProgramAsync(
        string program, string workingDirectory, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await using NodeScript node = StartProgram(program, workingDirectory, timeout + TimeSpan.FromSeconds(5), onLine: null, [.. arguments]);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        bool timedOut = false;
        try
        {
            await node._process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            node.Kill();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await node._process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (node._process.HasExited)
        {
            node._process.WaitForExit();   // the end of the redirected output
        }

        watch.Stop();
        cancellationToken.ThrowIfCancellationRequested();
        return new NodeScriptResult(
            node._description,
            timedOut ? -1 : node._process.ExitCode,
            [.. node._output.Where(l => !l.StartsWith(StdErrPrefix, StringComparison.Ordinal))],
            node.StdErr,
            timedOut,
            watch.Elapsed);
    }

    /// <summary>Writes one command line to the script's stdin.</summary>
    /// <param name="line">The command.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task SendAsync(string line)
    {
        await _stdin.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _stdin.Release();
        }
    }

    /// <summary>The command line and everything the process printed, for failure messages.</summary>
    /// <returns>The description.</returns>
    public string Describe() => "--- " + _description + " ---\n" + string.Join('\n', _output);

    /// <summary>
    /// Stops the process politely: closes its stdin (the scripts end then, a driver closes its browser first) and waits
    /// up to <paramref name="grace"/> for it to exit; <see cref="DisposeAsync"/> kills what is left.
    /// </summary>
    /// <param name="grace">How long to wait.</param>
    /// <returns>Whether it exited in time.</returns>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        await _stdin.WaitAsync();
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // Gone already.
        }
        finally
        {
            _stdin.Release();
        }

        using var deadline = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

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
        _stdin.Dispose();
    }

    private void OnLine(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(error ? StdErrPrefix + line : line);
        if (!error && line.StartsWith('{'))
        {
            JsonElement json;
            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not a JSON line: kept in the output only.
                json = default;
            }

            if (json.ValueKind == JsonValueKind.Object)
            {
                _onLine?.Invoke(json);
                _lines.Enqueue(json);
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
