using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace TypedSocketIO.Interop.Tests.Infrastructure;

/// <summary>
/// A long-running Node script of tests/interop-node (a server) that prints JSON lines; killed with
/// its process tree on dispose, and after <c>maxLifetime</c> whatever happens.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly CancellationTokenSource _lifetime;

    private NodeProcess(Process process, TimeSpan maxLifetime)
    {
        _process = process;
        _lifetime = new CancellationTokenSource(maxLifetime);
        _lifetime.Token.Register(() => NodeRunner.KillTree(_process));
    }

    /// <summary>The lines printed on stdout so far.</summary>
    public IReadOnlyList<string> StdOut => _stdout.ToArray();

    /// <summary>The lines printed on stderr so far.</summary>
    public IReadOnlyList<string> StdErr => _stderr.ToArray();

    /// <summary>Starts the script and waits (up to <paramref name="startTimeout"/>) for a JSON line whose "event" is <paramref name="readyEvent"/>.</summary>
    public static async Task<(NodeProcess Process, JsonElement Ready)> StartAsync(
        string script, IEnumerable<string> arguments, string readyEvent, TimeSpan startTimeout, TimeSpan maxLifetime)
    {
        NodeRunner.EnsureNodeModules();
        var process = new Process { StartInfo = NodeRunner.CreateStartInfo(script, arguments), EnableRaisingEvents = true };
        var node = new NodeProcess(process, maxLifetime);
        var ready = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            node._stdout.Enqueue(e.Data);
            if (TryParse(e.Data) is { } json && json.TryGetProperty("event", out var ev) && ev.ValueKind == JsonValueKind.String && ev.GetString() == readyEvent)
            {
                ready.TrySetResult(json);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { node._stderr.Enqueue(e.Data); } };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"node {script} exited before \"{readyEvent}\".\n{node.Describe()}"));
        // stdin stays open: the script exits when it closes, so a crashed test host leaves no orphan.
        NodeRunner.StartOrExplain(process, keepStdinOpen: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var json = await ready.Task.WaitAsync(startTimeout).ConfigureAwait(false);
            return (node, json);
        }
        catch (TimeoutException)
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"node {script} did not print \"{readyEvent}\" within {startTimeout}.\n{node.Describe()}");
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The JSON lines printed so far whose "event" is <paramref name="eventName"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string eventName) =>
        _stdout.Select(TryParse).OfType<JsonElement>()
            .Where(j => j.TryGetProperty("event", out var ev) && ev.ValueKind == JsonValueKind.String && ev.GetString() == eventName)
            .ToList();

    /// <summary>stdout and stderr, for failure messages.</summary>
    public string Describe() =>
        "--- node stderr ---\n" + string.Join('\n', _stderr) + "\n--- node stdout ---\n" + string.Join('\n', _stdout);

    public async ValueTask DisposeAsync()
    {
        NodeRunner.KillTree(_process);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
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

    private static JsonElement? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
