using TypedSocketIO.Browser.Tests.Infrastructure;

namespace TypedSocketIO.Browser.Tests;

/// <summary>The chat page in Chromium, with the .NET typed client in the same room.</summary>
[Collection(ChatInABrowser.Name)]
public sealed class ChatPageTests(ChatFixture chat) : BrowserTest(chat)
{
    [Fact]
    public Task Browser_and_dotnet_client_talk_both_ways_over_websocket() => RunAsync(async () =>
    {
        ChatUser grace = await DotnetUserAsync("Grace", "both-ways");
        BrowserPage ada = await OpenChatAsync("ada");
        await JoinOnPageAsync(ada, "Ada", "both-ways");

        // The default transports: polling first, then the upgrade to WebSocket.
        await ada.WaitForAsync("#status[data-transport=\"websocket\"]");
        await ada.WaitForAsync("#users li", "Grace");
        Assert.Equal("2", await ada.TextAsync("#user-count"));
        await grace.WaitForUsersAsync("Ada", "Grace");

        // Page → .NET client.
        await SayOnPageAsync(ada, "Hello from Chromium");
        var received = await grace.WaitForMessageAsync("Hello from Chromium");
        Assert.Equal("Ada", received.Author);
        Assert.True((DateTimeOffset.UtcNow - received.SentAt).Duration() < TimeSpan.FromMinutes(1));

        // .NET client → page.
        grace.Say("Hello from .NET");
        await ada.WaitForAsync(".message .text", "Hello from .NET");
        ShownMessage shown = (await ShownMessagesAsync(ada)).Single(m => m.Text == "Hello from .NET");
        Assert.Equal("Grace", shown.Author);
        Assert.False(shown.Mine);
        Assert.True(DateTimeOffset.TryParse(shown.Time, out DateTimeOffset sentAt) && (DateTimeOffset.UtcNow - sentAt).Duration() < TimeSpan.FromMinutes(1), shown.Time);
        Assert.NotEmpty(shown.ShownTime);

        // The page's own message is shown as its own, once.
        Assert.Single(await ShownMessagesAsync(ada), m => m.Text == "Hello from Chromium" && m.Author == "Ada" && m.Mine);
        Assert.Equal("connected · websocket", await ada.TextAsync("#status"));
    });

    [Fact]
    public Task Typing_indicator_both_ways() => RunAsync(async () =>
    {
        ChatUser grace = await DotnetUserAsync("Grace", "typing");
        BrowserPage ada = await OpenChatAsync("ada");
        await JoinOnPageAsync(ada, "Ada", "typing");

        // .NET client types → the page says so, then stops saying so.
        grace.SetTyping(true);
        await ada.WaitForAsync("#typing", "Grace is typing…");
        grace.SetTyping(false);
        await ada.WaitUntilAsync("document.getElementById('typing').textContent === ''");

        // Two typists at once.
        ChatUser linus = await DotnetUserAsync("Linus", "typing");
        grace.SetTyping(true);
        linus.SetTyping(true);
        await ada.WaitForAsync("#typing", "are typing…");

        // A message from a typist ends that typist's indicator.
        linus.Say("done typing");
        await ada.WaitForAsync("#typing", "Grace is typing…");

        // The page types → the .NET client is told; sending (or the idle delay) stops it.
        await ada.FillAsync("#text", "thinking");
        await grace.WaitForTypingAsync("Ada", true);
        await ada.PressAsync("#text", "Enter");
        await grace.WaitForTypingAsync("Ada", false);
        await grace.WaitForMessageAsync("thinking");

        await ada.FillAsync("#text", "a pause");
        await grace.WaitForTypingAsync("Ada", true);
        await grace.WaitForTypingAsync("Ada", false);   // 2.5 s without a keystroke
    });

    [Fact]
    public Task Page_forced_to_long_polling_by_its_switch() => RunAsync(async () =>
    {
        ChatUser grace = await DotnetUserAsync("Grace", "polling");
        BrowserPage ada = await OpenChatAsync("ada");
        Assert.Equal("use long-polling", await ada.TextAsync("#transport-switch"));

        // The switch on the page reloads it with ?transport=polling.
        await ada.ClickAsync("#transport-switch");
        await ada.WaitUntilAsync("location.search === '?transport=polling'");
        await ada.WaitForAsync("#status[data-state=\"connected\"][data-transport=\"polling\"]");
        Assert.Equal("use WebSocket", await ada.TextAsync("#transport-switch"));

        await JoinOnPageAsync(ada, "Ada", "polling");
        await SayOnPageAsync(ada, "over long-polling");
        Assert.Equal("Ada", (await grace.WaitForMessageAsync("over long-polling")).Author);
        grace.Say("polled back");
        await ada.WaitForAsync(".message .text", "polled back");

        // Still polling: no upgrade was attempted.
        await Task.Delay(1500);
        Assert.Equal("connected · polling", await ada.TextAsync("#status"));
    });

    [Fact]
    public Task Page_answers_the_servers_confirm_leave_acknowledgement() => RunAsync(async () =>
    {
        ChatUser grace = await DotnetUserAsync("Grace", "first-room");
        BrowserPage ada = await OpenChatAsync("ada");
        await JoinOnPageAsync(ada, "Ada", "first-room");
        await grace.WaitForUsersAsync("Ada", "Grace");

        // Moving to another room: the server asks the page (confirmLeave, acknowledged); "Stay" keeps it where it is.
        await ada.FillAsync("#other-room", "second-room");
        await ada.ClickAsync("#room-form button");
        await ada.WaitForAsync("#confirm", "Leave #first-room for #second-room?");
        await ada.ClickAsync("#confirm-no");
        await ada.WaitForAsync("#messages .note", "You stayed in #first-room");
        await ada.WaitForHiddenAsync("#confirm");
        Assert.Equal("#first-room", await ada.TextAsync("#room-title"));

        // "Leave" moves it; the room it left sees it go.
        await ada.FillAsync("#other-room", "second-room");
        await ada.ClickAsync("#room-form button");
        await ada.WaitForAsync("#confirm", "Leave #first-room");
        await ada.ClickAsync("#confirm-yes");
        await WaitForRoomAsync(ada, "second-room");
        Assert.Equal("#second-room", await ada.TextAsync("#room-title"));
        await grace.WaitForUsersAsync("Grace");
        grace.Say("not for Ada");
        await SayOnPageAsync(ada, "in the second room");
        Assert.DoesNotContain(await ShownMessagesAsync(ada), m => m.Text == "not for Ada");
    });

    [Fact]
    public Task Page_shows_who_joins_and_leaves() => RunAsync(async () =>
    {
        BrowserPage ada = await OpenChatAsync("ada");
        await JoinOnPageAsync(ada, "Ada", "comings");
        ChatUser grace = await DotnetUserAsync("Grace", "comings");
        await ada.WaitForAsync("#users li", "Grace");
        await ada.WaitForAsync("#messages .note", "Grace joined");

        await grace.Client.DisconnectAsync();
        await ada.WaitForAsync("#messages .note", "Grace left");
        await ada.WaitForHiddenAsync("#users li", "Grace");
        Assert.Equal("1", await ada.TextAsync("#user-count"));

        // A second browser tab sees the room's recent messages when it joins.
        await SayOnPageAsync(ada, "history works");
        BrowserPage bob = await OpenChatAsync("bob");
        await JoinOnPageAsync(bob, "Bob", "comings");
        await bob.WaitForAsync(".message .text", "history works");
    });
}
