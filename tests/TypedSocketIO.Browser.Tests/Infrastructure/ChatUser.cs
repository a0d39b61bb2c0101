using System.Collections.Concurrent;
using Chat.Contracts;
using TypedSocketIO.Client;

namespace TypedSocketIO.Browser.Tests.Infrastructure;

/// <summary>A .NET participant in the chat: the typed client on Chat.Contracts, recording what it receives.</summary>
public sealed class ChatUser : IAsyncDisposable
{
    private readonly ConcurrentQueue<ChatMessage> _messages = new();
    private readonly ConcurrentQueue<TypingNotice> _typing = new();
    private readonly ConcurrentQueue<RoomUsers> _users = new();

    private ChatUser(string name, SocketIOClient<IChatClient, IChatServer> client)
    {
        Name = name;
        Client = client;
    }

    public string Name { get; }

    public SocketIOClient<IChatClient, IChatServer> Client { get; }

    public IReadOnlyList<ChatMessage> Messages => _messages.ToArray();

    public IReadOnlyList<TypingNotice> Typing => _typing.ToArray();

    public IReadOnlyList<string> LatestUsers => _users.LastOrDefault()?.Names ?? [];

    /// <summary>Connects and joins <paramref name="room"/> under <paramref name="name"/>.</summary>
    public static async Task<ChatUser> JoinAsync(Uri server, string name, string room)
    {
        var client = SocketIOClient.Create<IChatClient, IChatServer>(server, new SocketIOClientOptions { AckTimeout = TimeSpan.FromSeconds(10) });
        var user = new ChatUser(name, client);
        client.On.Message(user._messages.Enqueue);
        client.On.Typing(user._typing.Enqueue);
        client.On.Users(user._users.Enqueue);
        client.On.ConfirmLeave(_ => true);
        try
        {
            using var connect = new CancellationTokenSource(Wait.Default);
            await client.ConnectAsync(connect.Token);
            JoinResult joined = await client.Timeout(Wait.Default).Emit.Join(new JoinRequest(name, room));
            user._users.Enqueue(new RoomUsers(joined.Room, joined.Users));
            return user;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public void Say(string text) => Client.Emit.SendMessage(text);

    public void SetTyping(bool isTyping) => Client.Emit.Typing(isTyping);

    public async Task<ChatMessage> WaitForMessageAsync(string text)
    {
        await Wait.UntilAsync(() => _messages.Any(m => m.Text == text), $"{Name} (.NET) to receive \"{text}\"; received: " +
            string.Join(" | ", _messages.Select(m => $"{m.Author}: {m.Text}")));
        return _messages.First(m => m.Text == text);
    }

    public Task WaitForTypingAsync(string name, bool isTyping) =>
        Wait.UntilAsync(() => _typing.LastOrDefault(t => t.Name == name)?.IsTyping == isTyping,
            $"{Name} (.NET) to be told that {name} {(isTyping ? "is typing" : "stopped typing")}");

    public Task WaitForUsersAsync(params string[] names) =>
        Wait.UntilAsync(() => names.All(LatestUsers.Contains) && LatestUsers.Count == names.Length,
            $"{Name} (.NET) to see the users [{string.Join(", ", names)}]; saw [{string.Join(", ", LatestUsers)}]");

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
