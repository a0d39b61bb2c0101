using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Interop.Tests.Infrastructure;

/// <summary>The result of one run of a Node script.</summary>
public sealed record NodeResult(string Description, int ExitCode, string StdOut, string StdErr, bool TimedOut, TimeSpan Elapsed)
{
    /// <summary>The JSON lines of stdout (lines that are not JSON objects are skipped).</summary>
    public IReadOnlyList<JsonElement> Observations => ParseObservations(StdOut);

    /// <summary>Observations whose "event" is <paramref name="eventName"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string eventName) =>
        Observations.Where(o => o.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() == eventName).ToList();

    /// <summary>The single observation named <paramref name="eventName"/>; fails with the whole output otherwise.</summary>
    public JsonElement One(string eventName)
    {
        var found = Events(eventName);
        if (found.Count != 1)
        {
            throw new InvalidOperationException($"expected exactly one \"{eventName}\" observation, found {found.Count}.\n{Describe()}");
        }
        return found[0];
    }

    /// <summary>Fails (with stdout and stderr in the message) unless the script exited 0 and printed "done".</summary>
    public NodeResult AssertSuccess()
    {
        if (TimedOut || ExitCode != 0 || Events("done").Count != 1)
        {
            throw new NodeScriptFailedException(Describe());
        }
        return this;
    }

    /// <summary>A readable account of the run for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(Description).Append(TimedOut ? " was killed by the test's timeout" : $" exited with code {ExitCode}")
            .Append(" after ").Append((int)Elapsed.TotalMilliseconds).AppendLine(" ms.");
        var failed = Events("failed");
        if (failed.Count > 0 && failed[0].TryGetProperty("error", out var error))
        {
            text.Append("error: ").AppendLine(error.ToString());
        }
        text.AppendLine("--- stderr ---").AppendLine(StdErr.TrimEnd());
        text.AppendLine("--- stdout ---").AppendLine(StdOut.TrimEnd());
        return text.ToString();
    }

    private static List<JsonElement> ParseObservations(string stdout)
    {
        var list = new List<JsonElement>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                list.Add(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                // not an observation
            }
        }
        return list;
    }
}

/// <summary>A Node script did not succeed; the message carries its output.</summary>
public sealed class NodeScriptFailedException(string message) : Exception(message);

/// <summary>
/// Runs the Node scripts of tests/interop-node (working directory there) with a hard timeout,
/// capturing stdout and stderr, and killing the whole process tree on timeout or cancellation.
/// </summary>
public static class NodeRunner
{
    private static readonly Lazy<string> Directory = new(FindInteropNodeDirectory);

    /// <summary>The absolute path of tests/interop-node.</summary>
    public static string InteropNodeDirectory => Directory.Value;

    /// <summary>Fails with a clear message when the npm packages are not installed.</summary>
    public static void EnsureNodeModules()
    {
        var client = Path.Combine(InteropNodeDirectory, "node_modules", "socket.io-client", "package.json");
        if (!File.Exists(client))
        {
            throw new InvalidOperationException(
                $"The npm packages of the interop tests are missing ({client} not found): run npm ci in tests/interop-node.");
        }
    }

    /// <summary>Runs <c>node script args…</c> and returns when it exits or <paramref name="timeout"/> passes.</summary>
    public static async Task<NodeResult> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        EnsureNodeModules();
        var args = arguments.ToList();
        var description = $"node {script} {string.Join(' ', args)}";
        var start = CreateStartInfo(script, args);

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };

        var watch = Stopwatch.StartNew();
        StartOrExplain(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            KillTree(process);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await process.WaitForExitAsync(grace.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        // WaitForExitAsync returns once the process exited; wait for the redirected streams to drain.
        if (process.HasExited)
        {
            process.WaitForExit();
        }
        watch.Stop();

        string outText, errText;
        lock (stdout) { outText = stdout.ToString(); }
        lock (stderr) { errText = stderr.ToString(); }
        cancellationToken.ThrowIfCancellationRequested();
        return new NodeResult(description, timedOut ? -1 : process.ExitCode, outText, errText, timedOut, watch.Elapsed);
    }

    internal static ProcessStartInfo CreateStartInfo(string script, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropNodeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // No debug output from the socket.io packages unless asked for.
        start.Environment.Remove("DEBUG");
        return start;
    }

    internal static void StartOrExplain(Process process, bool keepStdinOpen = false)
    {
        try
        {
            process.Start();
            if (!keepStdinOpen)
            {
                process.StandardInput.Close();
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Could not start node: is Node.js (18 or later) on the PATH? " + e.Message, e);
        }
    }

    internal static void KillTree(Process process)
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
            // already gone
        }
    }

    private static string FindInteropNodeDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop-node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"tests/interop-node not found above {AppContext.BaseDirectory}.");
    }
}
