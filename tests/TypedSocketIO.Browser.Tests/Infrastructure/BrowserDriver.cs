using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven by playwright-core through tests/interop-node/browser-driver.mjs: one JSON command a
/// line on its stdin, one answer a line on its stdout. Every command is bounded (its Playwright timeout, and a hard limit
/// here); the Node process and the browser are killed on dispose, and end by themselves when the test host goes away.
/// </summary>
public sealed class BrowserDriver : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    /// <summary>The driver's own lifetime (it closes the browser and exits then), and the bound of its process's life.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private NodeScript? _node;
    private int _nextId;

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

        if (!Directory.Exists(Path.Combine(Paths.InteropNode, "node_modules", "playwright-core")))
        {
            throw new InvalidOperationException("playwright-core is not installed: run `npm ci` in tests/interop-node (test.sh does).");
        }

        var driver = new BrowserDriver();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        driver._node = NodeScript.Start(
            "browser-driver.mjs",
            Lifetime + TimeSpan.FromMinutes(1),
            json => driver.OnLine(json, ready),
            "--executable",
            Paths.Chromium,
            "--lifetime",
            ((long)Lifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _ = driver._node.Exited.ContinueWith(
            _ =>
            {
                var gone = new InvalidOperationException($"the browser driver exited.\n{driver.Describe()}");
                ready.TrySetException(gone);
                foreach (TaskCompletionSource<JsonNode?> pending in driver._pending.Values)
                {
                    pending.TrySetException(gone);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
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
            await _node!.SendAsync(arguments.ToJsonString());
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

    public string Describe() => "--- browser driver stderr ---\n" + string.Join('\n', _node?.StdErr ?? []);

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.StopAsync(TimeSpan.FromSeconds(10));   // the driver closes the browser and exits
            await _node.DisposeAsync();                        // kills what is left
        }
    }

    private void OnLine(JsonElement element, TaskCompletionSource<string> ready)
    {
        string line = element.GetRawText();
        JsonNode? json = JsonNode.Parse(line);

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
