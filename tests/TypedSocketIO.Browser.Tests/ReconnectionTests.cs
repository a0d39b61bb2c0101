using TypedSocketIO.Browser.Tests.Infrastructure;

namespace TypedSocketIO.Browser.Tests;

/// <summary>The page when its server goes away and comes back: the official client reconnects by itself.</summary>
[Collection(ChatInABrowser.Name)]
public sealed class ReconnectionTests(ChatFixture chat) : BrowserTest(chat)
{
    [Theory]
    [InlineData("")]
    [InlineData("?transport=polling")]
    public Task Page_shows_reconnecting_and_rejoins_when_the_server_comes_back(string query) => RunAsync(async () =>
    {
        ChatServerProcess server = await ChatServerProcess.StartAsync();
        try
        {
            BrowserPage ada = await OpenChatAsync("ada", query, server);
            await JoinOnPageAsync(ada, "Ada", "restarts");

            int port = server.Port;
            await server.DisposeAsync();   // killed, as a crash would
            await ada.WaitForAsync("#status[data-state=\"reconnecting\"]");
            Assert.StartsWith("reconnecting", await ada.TextAsync("#status"));
            Assert.True(await ada.EvaluateAsync("document.getElementById('text').disabled") is { } disabled && disabled.GetValue<bool>());

            server = await ChatServerProcess.StartAsync(port);
            await ada.WaitForAsync("#status[data-state=\"connected\"]", timeout: TimeSpan.FromSeconds(20));
            await ada.WaitForAsync("#messages .note", "Back online");

            // The page joined its room again on the new server: a .NET client there sees it, and the reverse.
            ChatUser grace = await DotnetUserAsync("Grace", "restarts", server);
            Assert.Contains("Ada", grace.LatestUsers);
            grace.Say("welcome back");
            await ada.WaitForAsync(".message .text", "welcome back");
            await SayOnPageAsync(ada, "thanks");
            await grace.WaitForMessageAsync("thanks");
        }
        finally
        {
            await server.DisposeAsync();
        }
    });
}
