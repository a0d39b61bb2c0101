using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>
/// The base of the browser tests: opens chat pages and .NET participants, and on failure takes a screenshot of every open
/// page (under the test's output folder, screenshots/) and puts the paths and the pages' console in the failure message.
/// </summary>
public abstract class BrowserTest(ChatFixture chat)
{
    private readonly List<BrowserPage> _pages = [];
    private readonly List<ChatUser> _users = [];

    protected ChatFixture Chat { get; } = chat;

    /// <summary>Runs one scenario; whatever happens, closes its pages and clients.</summary>
    protected async Task RunAsync(Func<Task> scenario, [CallerMemberName] string test = "")
    {
        try
        {
            await scenario();
        }
        catch (Exception failure)
        {
            throw new BrowserTestFailedException(await DescribeFailureAsync(test, failure), failure);
        }
        finally
        {
            foreach (ChatUser user in _users)
            {
                await user.DisposeAsync();
            }

            foreach (BrowserPage page in _pages)
            {
                await page.DisposeAsync();
            }

            _users.Clear();
            _pages.Clear();
        }
    }

    protected async Task<BrowserPage> OpenChatAsync(string name, string query = "", ChatServerProcess? server = null)
    {
        Uri url = new((server ?? Chat.Server).Address, "/" + query);
        BrowserPage page = await Chat.Browser.OpenAsync($"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)], url);
        _pages.Add(page);
        await page.WaitForAsync("#status[data-state=\"connected\"]");
        return page;
    }

    protected async Task<ChatUser> DotnetUserAsync(string name, string room, ChatServerProcess? server = null)
    {
        ChatUser user = await ChatUser.JoinAsync((server ?? Chat.Server).Address, name, room);
        _users.Add(user);
        return user;
    }

    /// <summary>Fills the page's join form and waits until the page is in <paramref name="room"/>.</summary>
    protected static async Task JoinOnPageAsync(BrowserPage page, string name, string room)
    {
        await page.FillAsync("#name", name);
        await page.FillAsync("#room", room);
        await page.ClickAsync("#join-button");
        await WaitForRoomAsync(page, room);
        await page.WaitForAsync("#users li", name);
    }

    protected static Task WaitForRoomAsync(BrowserPage page, string room) =>
        page.WaitUntilAsync($"document.body.dataset.room === {Js(room)}");

    /// <summary>Types into the message box and presses Enter.</summary>
    protected static async Task SayOnPageAsync(BrowserPage page, string text)
    {
        await page.FillAsync("#text", text);
        await page.PressAsync("#text", "Enter");
        await page.WaitForAsync(".message.mine .text", text);
    }

    /// <summary>The messages shown on the page: author, time (ISO 8601) and text.</summary>
    protected static async Task<IReadOnlyList<ShownMessage>> ShownMessagesAsync(BrowserPage page)
    {
        var json = await page.EvaluateAsync("""
            JSON.stringify([...document.querySelectorAll("#messages .message")].map(m => ({
              author: m.querySelector(".author").textContent,
              time: m.querySelector("time").dateTime,
              shownTime: m.querySelector("time").textContent,
              text: m.querySelector(".text").textContent,
              mine: m.classList.contains("mine") })))
            """);
        return JsonSerializer.Deserialize<ShownMessage[]>(json!.GetValue<string>(), JsonSerializerOptions.Web) ?? [];
    }

    protected static string Js(string value) => JsonSerializer.Serialize(value);

    private async Task<string> DescribeFailureAsync(string test, Exception failure)
    {
        var text = new StringBuilder();
        text.Append(test).Append(" failed: ").Append(failure.GetType().Name).Append(": ").AppendLine(failure.Message);
        foreach (BrowserPage page in _pages)
        {
            string path = Path.Combine(Paths.Screenshots, $"{test}-{page.Name}.png");
            try
            {
                await page.ScreenshotAsync(path);
                text.Append("Screenshot of page ").Append(page.Name).Append(": ").AppendLine(path);
                foreach (string line in await page.LogsAsync())
                {
                    text.Append("  [").Append(page.Name).Append("] ").AppendLine(line);
                }
            }
            catch (Exception e) when (e is BrowserCommandException or TimeoutException or InvalidOperationException)
            {
                text.Append("No screenshot of page ").Append(page.Name).Append(": ").AppendLine(e.Message);
            }
        }

        text.AppendLine("--- chat server output ---").AppendLine(Chat.Server?.Output);
        return text.ToString();
    }
}

public sealed record ShownMessage(string Author, string Time, string ShownTime, string Text, bool Mine);

/// <summary>A browser test failed; the message has the screenshots' paths and the pages' console.</summary>
public sealed class BrowserTestFailedException(string message, Exception inner) : Exception(message, inner);
