using TypedSocketIO.Browser.Tests.Infrastructure;

namespace TypedSocketIO.Browser.Tests;

/// <summary>
/// A short conversation, photographed for the README. The screenshot is written to the test's output folder
/// (screenshots/chat.png); with TYPEDSOCKETIO_UPDATE_DOCS=1 it also replaces docs/chat.png.
/// </summary>
[Collection(ChatInABrowser.Name)]
public sealed class ScreenshotTests(ChatFixture chat) : BrowserTest(chat)
{
    [Fact]
    public Task Conversation_for_the_readme() => RunAsync(async () =>
    {
        ChatUser grace = await DotnetUserAsync("Grace", "lobby");
        ChatUser linus = await DotnetUserAsync("Linus", "lobby");
        grace.Say("Morning! The typed chat server is up.");
        await linus.WaitForMessageAsync("Morning! The typed chat server is up.");

        BrowserPage ada = await OpenChatAsync("ada");
        await JoinOnPageAsync(ada, "Ada", "lobby");
        await SayOnPageAsync(ada, "Hi both, I'm in Chromium with the official socket.io-client.");
        await grace.WaitForMessageAsync("Hi both, I'm in Chromium with the official socket.io-client.");

        linus.Say("And I'm the .NET console client, on the same C# contracts.");
        await ada.WaitForAsync(".message .text", "And I'm the .NET console client");
        grace.Say("The compiler checks every event, both ways.");
        await ada.WaitForAsync(".message .text", "The compiler checks every event");
        await SayOnPageAsync(ada, "And nothing is configured on either side.");
        linus.SetTyping(true);
        await ada.WaitForAsync("#typing", "Linus is typing…");
        await ada.FillAsync("#text", "Shall we try long-polling next?");

        string path = await ada.ScreenshotAsync(Path.Combine(Paths.Screenshots, "chat.png"));
        Assert.True(new FileInfo(path).Length > 10_000, path);
        if (Environment.GetEnvironmentVariable("TYPEDSOCKETIO_UPDATE_DOCS") == "1")
        {
            File.Copy(path, Path.Combine(Paths.RepoRoot, "docs", "chat.png"), overwrite: true);
        }
    });
}
