using Chat.Contracts;
using Chat.Server;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.TestHost;

namespace Chat.Tests;

/// <summary>
/// The chat server's <see cref="ChatHandler"/>, driven by typed clients of the in-memory test host: the same contracts,
/// handler class and parser as in production, without a network.
/// </summary>
public sealed class ChatHandlerTests : IAsyncLifetime
{
    private SocketIOTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = SocketIOTestHost.Create(services => services.AddSingleton<ChatRooms>());
        _host.Map<IChatServer, IChatClient>("/", ns => ns.UseHandler<ChatHandler>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Join_PutsTheSocketInTheRoom_AndTellsTheRoomWhoIsThere()
    {
        await using var ada = await _host.ConnectAsync<IChatClient, IChatServer>();
        await using var bob = await _host.ConnectAsync<IChatClient, IChatServer>();
        var adaSeesUsers = new TaskCompletionSource<RoomUsers>(TaskCreationOptions.RunContinuationsAsynchronously);
        ada.On.Users(users =>
        {
            if (users.Names.Count == 2)
            {
                adaSeesUsers.TrySetResult(users);
            }
        });

        JoinResult adaJoined = await ada.Emit.Join(new JoinRequest("ada", "lobby"));
        Assert.Equal("lobby", adaJoined.Room);
        Assert.Equal(["ada"], adaJoined.Users);
        Assert.Contains("lobby", ada.Rooms);

        JoinResult bobJoined = await bob.Emit.Join(new JoinRequest(" bob ", ""));
        Assert.Equal("lobby", bobJoined.Room);
        Assert.Equal(["ada", "bob"], (await adaSeesUsers.Task.WaitAsync(TimeSpan.FromSeconds(10))).Names.Order());

        // What the wire carried: the camelCase JSON of the contract's context.
        SocketIOTestEvent users = await ada.WaitForEventAsync("users");
        Assert.StartsWith("2[\"users\",{\"room\":\"lobby\",\"names\":[", users.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendMessage_ReachesEveryoneInTheRoom_OnlyThem_AndIsRemembered()
    {
        await using var ada = await _host.ConnectAsync<IChatClient, IChatServer>();
        await using var bob = await _host.ConnectAsync<IChatClient, IChatServer>();
        await using var eve = await _host.ConnectAsync<IChatClient, IChatServer>();
        await ada.Emit.Join(new JoinRequest("ada", "lobby"));
        await bob.Emit.Join(new JoinRequest("bob", "lobby"));
        await eve.Emit.Join(new JoinRequest("eve", "elsewhere"));

        Assert.True(ada.Emit.SendMessage("hello"));
        foreach (var client in new[] { ada, bob })
        {
            SocketIOTestEvent message = await client.WaitForEventAsync("message");
            Assert.StartsWith("2[\"message\",{\"author\":\"ada\",\"text\":\"hello\",\"sentAt\":\"", message.Text, StringComparison.Ordinal);
        }

        // A late joiner gets the history in its JoinResult; eve, elsewhere, got nothing.
        await using var carol = await _host.ConnectAsync<IChatClient, IChatServer>();
        JoinResult joined = await carol.Emit.Join(new JoinRequest("carol", "lobby"));
        Assert.Equal(("ada", "hello"), (joined.Recent.Single().Author, joined.Recent.Single().Text));
        Assert.DoesNotContain(eve.Received, e => e.EventName == "message");
    }

    [Fact]
    public async Task ChangingRoom_AsksTheClient_WhichMayRefuse()
    {
        await using var ada = await _host.ConnectAsync<IChatClient, IChatServer>();
        var asked = new List<string>();
        bool agree = false;
        ada.On.ConfirmLeave(room =>
        {
            asked.Add(room);
            return agree;
        });
        await ada.Emit.Join(new JoinRequest("ada", "lobby"));

        JoinResult refused = await ada.Emit.Join(new JoinRequest("ada", "kitchen"));
        Assert.Equal("lobby", refused.Room);
        Assert.Contains("lobby", ada.Rooms);
        Assert.DoesNotContain("kitchen", ada.Rooms);

        agree = true;
        JoinResult moved = await ada.Emit.Join(new JoinRequest("ada", "kitchen"));
        Assert.Equal("kitchen", moved.Room);
        Assert.Equal(["lobby", "lobby"], asked);
        Assert.Contains("kitchen", ada.Rooms);
        Assert.DoesNotContain("lobby", ada.Rooms);
    }

    [Fact]
    public async Task Leaving_TellsTheRoom()
    {
        await using var ada = await _host.ConnectAsync<IChatClient, IChatServer>();
        var bob = await _host.ConnectAsync<IChatClient, IChatServer>();
        await ada.Emit.Join(new JoinRequest("ada", "lobby"));
        await bob.Emit.Join(new JoinRequest("bob", "lobby"));
        var alone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ada.On.Users(users =>
        {
            if (users.Names.SequenceEqual(["ada"]))
            {
                alone.TrySetResult();
            }
        });

        await bob.CloseTransportAsync();
        await alone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _host.IO.Diagnostics.SocketCount);
    }
}
