using System.Text.Json.Nodes;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>One tab of the chat page, in its own browser context (its own storage), named for failure messages.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly BrowserDriver _driver;

    private BrowserPage(BrowserDriver driver, string name)
    {
        _driver = driver;
        Name = name;
    }

    public string Name { get; }

    public static async Task<BrowserPage> OpenAsync(BrowserDriver driver, string name, Uri url)
    {
        var page = new BrowserPage(driver, name);
        await driver.SendAsync("open", new JsonObject { ["page"] = name, ["url"] = url.ToString() }, TimeSpan.FromSeconds(20));
        return page;
    }

    public Task FillAsync(string selector, string value) => Send("fill", selector, new() { ["value"] = value });

    public Task ClickAsync(string selector) => Send("click", selector, new());

    public Task PressAsync(string selector, string key) => Send("press", selector, new() { ["key"] = key });

    /// <summary>Waits until an element matching <paramref name="selector"/> (and containing <paramref name="text"/>) is visible.</summary>
    public Task WaitForAsync(string selector, string? text = null, TimeSpan? timeout = null) =>
        Send("waitFor", selector, text is null ? new() : new() { ["hasText"] = text }, timeout);

    /// <summary>Waits until no element matching <paramref name="selector"/> (and containing <paramref name="text"/>) is visible.</summary>
    public Task WaitForHiddenAsync(string selector, string? text = null, TimeSpan? timeout = null) =>
        Send("waitFor", selector, text is null ? new() { ["state"] = "hidden" } : new() { ["hasText"] = text, ["state"] = "hidden" }, timeout);

    public async Task<string> TextAsync(string selector) =>
        (await Send("text", selector, new()))?.GetValue<string>() ?? "";

    public async Task<IReadOnlyList<string>> TextsAsync(string selector) =>
        (await Send("texts", selector, new()))?.AsArray().Select(n => n?.GetValue<string>() ?? "").ToArray() ?? [];

    /// <summary>Waits until the JavaScript expression is truthy in the page.</summary>
    public async Task<JsonNode?> WaitUntilAsync(string expression, TimeSpan? timeout = null) =>
        await _driver.SendAsync("waitUntil", new JsonObject { ["page"] = Name, ["expression"] = expression }, timeout);

    public async Task<JsonNode?> EvaluateAsync(string expression) =>
        await _driver.SendAsync("evaluate", new JsonObject { ["page"] = Name, ["expression"] = expression });

    public async Task<string> ScreenshotAsync(string path)
    {
        await _driver.SendAsync("screenshot", new JsonObject { ["page"] = Name, ["path"] = path }, TimeSpan.FromSeconds(20));
        return path;
    }

    /// <summary>The page's console messages, errors and failed requests.</summary>
    public async Task<IReadOnlyList<string>> LogsAsync() =>
        (await _driver.SendAsync("logs", new JsonObject { ["page"] = Name }))?.AsArray().Select(n => n?.GetValue<string>() ?? "").ToArray() ?? [];

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _driver.SendAsync("close", new JsonObject { ["page"] = Name });
        }
        catch (Exception e) when (e is BrowserCommandException or TimeoutException or InvalidOperationException)
        {
            // the browser is gone or the page already closed
        }
    }

    private Task<JsonNode?> Send(string command, string selector, JsonObject arguments, TimeSpan? timeout = null)
    {
        arguments["page"] = Name;
        arguments["selector"] = selector;
        return _driver.SendAsync(command, arguments, timeout);
    }
}
