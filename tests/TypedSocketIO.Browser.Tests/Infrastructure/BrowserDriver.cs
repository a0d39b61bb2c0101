using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven by playwright-core through tests/interop-node/browser-driver.mjs: one JSON command a
/// line on its stdin, one answer a line on its stdout. Every command is bounded (its Playwright timeout, and a hard limit
/// here); the Node process and the browser are killed on dispose, and end by themselves when the test host goes away.
/// </summary>
public sealed class BrowserDriver : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private int _nextId;

    private BrowserDriver(Process process) => _process = process;

    public string Version { get; private set; } = "";

    /// <summary>Starts Chromium; fails (never skips) with what to install when it is missing.</summary>
    public static async Task<BrowserDriver> StartAsync()
    {
        if (!File.Exists(Paths.Chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {Paths.Chromium}: the browser tests need Debian's chromium package " +
                "(`apt-get install -y chromium`; test.sh installs it where apt-get exists), or CHROMIUM_PATH set to a Chromium.");
        }

        string script = Path.Combine(Paths.InteropNode, "browser-driver.mjs");
        if (!Directory.Exists(Path.Combine(Paths.InteropNode, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException("playwright-core is not installed: run `npm ci` in tests/interop-node (test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Paths.InteropNode,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--executable");
        start.ArgumentList.Add(Paths.Chromium);
        start.ArgumentList.Add("--lifetime");
        start.ArgumentList.Add("900000");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var driver = new BrowserDriver(process);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => driver.OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { driver._stderr.Enqueue(e.Data); } };
        process.Exited += (_, _) =>
        {
            var gone = new InvalidOperationException($"the browser driver exited.\n{driver.Describe()}");
            ready.TrySetException(gone);
            foreach (TaskCompletionSource<JsonNode?> pending in driver._pending.Values)
            {
                pending.TrySetException(gone);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            driver.Version = await ready.Task.WaitAsync(StartTimeout);
            return driver;
        }
        catch (Exception e)
        {
            await driver.DisposeAsync();
            throw new InvalidOperationException($"Chromium ({Paths.Chromium}) did not start under playwright-core: {e.Message}\n{driver.Describe()}", e);
        }
    }

    public Task<BrowserPage> OpenAsync(string name, Uri url) => BrowserPage.OpenAsync(this, name, url);

    /// <summary>Sends one command and waits for its answer (the command's own timeout plus a margin).</summary>
    public async Task<JsonNode?> SendAsync(string command, JsonObject arguments, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Wait.Default;
        int id = Interlocked.Increment(ref _nextId);
        arguments["id"] = id;
        arguments["cmd"] = command;
        arguments["timeout"] = (int)limit.TotalMilliseconds;
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            await _send.WaitAsync();
            try
            {
                await _process.StandardInput.WriteLineAsync(arguments.ToJsonString());
                await _process.StandardInput.FlushAsync();
            }
            finally
            {
                _send.Release();
            }

            return await answer.Task.WaitAsync(limit + TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the browser did not answer \"{command}\" within {limit.TotalSeconds + 15} s.\n{Describe()}");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public string Describe() => "--- browser driver stderr ---\n" + string.Join('\n', _stderr);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();   // the driver closes the browser and exits
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
        _send.Dispose();
    }

    private void OnLine(string? line, TaskCompletionSource<string> ready)
    {
        if (line is null || !line.StartsWith('{'))
        {
            return;
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return;
        }

        if (json?["event"]?.GetValue<string>() is { } name)
        {
            if (name == "ready")
            {
                ready.TrySetResult(json["browser"]?.GetValue<string>() ?? "");
            }
            else
            {
                ready.TrySetException(new InvalidOperationException(json["error"]?.GetValue<string>() ?? line));
            }

            return;
        }

        if (json?["id"]?.GetValue<int>() is { } id && _pending.TryGetValue(id, out TaskCompletionSource<JsonNode?>? answer))
        {
            if (json["ok"]?.GetValue<bool>() == true)
            {
                answer.TrySetResult(json["result"]?.DeepClone());
            }
            else
            {
                answer.TrySetException(new BrowserCommandException(json["error"]?.GetValue<string>() ?? line));
            }
        }
    }
}

/// <summary>A browser command failed (an element not found in time, an exception in the page…).</summary>
public sealed class BrowserCommandException(string message) : Exception(message);
