using Chat.Contracts;
using TypedSocketIO.Server;

namespace Chat.Server;

/// <summary>
/// One instance per event, created from dependency injection in a scope of its own (as a SignalR hub per invocation): the compiler
/// holds it to <see cref="IChatServer"/>, and <see cref="SocketHandler{TSend}.Socket"/> sends the events of <see cref="IChatClient"/>.
/// What a client is (its name and room) lives in the socket's <see cref="SocketHandler{TSend}.Items"/>, not in fields.
/// </summary>
public sealed partial class ChatHandler(ChatRooms rooms, SocketIOServer io, ILogger<ChatHandler> log) : SocketHandler<IChatClient>, IChatServer
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    private Member Me => (Member)Items.GetOrAdd(typeof(Member), static _ => new Member())!;

    private SocketIONamespace<IChatServer, IChatClient> Chat => io.Of<IChatServer, IChatClient>("/");

    public async Task<JoinResult> Join(JoinRequest request)
    {
        string name = string.IsNullOrWhiteSpace(request.Name) ? "anonymous" : request.Name.Trim();
        string room = string.IsNullOrWhiteSpace(request.Room) ? "lobby" : request.Room.Trim();
        Member me = Me;
        if (me.Room is { } current && current != room)
        {
            // A server-to-client acknowledgement: the client decides whether it leaves its room.
            bool agreed = await Socket.Timeout(ConfirmTimeout).Emit.ConfirmLeave(current);
            if (!agreed)
            {
                return new JoinResult(current, rooms.Users(current), rooms.Recent(current));
            }

            LeaveRoom(me);
        }

        me.Name = name;
        me.Room = room;
        Socket.Join(room);
        IReadOnlyList<string> users = rooms.Enter(room, Socket.Id, name);
        Socket.To(room).Emit.Users(new RoomUsers(room, users));
        Log.Joined(log, name, room);
        return new JoinResult(room, users, rooms.Recent(room));
    }

    public void SendMessage(string text)
    {
        Member me = Me;
        if (me.Room is not { } room || me.Name is not { } name || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var message = new ChatMessage(name, text.Length > 2000 ? text[..2000] : text, DateTimeOffset.UtcNow);
        rooms.Remember(room, message);
        Chat.To(room).Emit.Message(message);
    }

    public void Typing(bool isTyping)
    {
        Member me = Me;
        if (me.Room is { } room && me.Name is { } name)
        {
            Socket.To(room).Emit.Typing(new TypingNotice(name, isTyping));
        }
    }

    public override ValueTask OnDisconnectedAsync(string reason)
    {
        LeaveRoom(Me);
        return ValueTask.CompletedTask;
    }

    private void LeaveRoom(Member me)
    {
        if (me.Room is not { } room)
        {
            return;
        }

        me.Room = null;
        Socket.Leave(room);
        IReadOnlyList<string> users = rooms.Exit(room, Socket.Id);
        Chat.To(room).Emit.Users(new RoomUsers(room, users));
        if (me.Name is { } name)
        {
            Chat.To(room).Emit.Typing(new TypingNotice(name, false));
        }
    }

    /// <summary>Who the client is: kept in the socket's items across events.</summary>
    private sealed class Member
    {
        public string? Name { get; set; }

        public string? Room { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Name} joined {Room}.")]
        public static partial void Joined(ILogger logger, string name, string room);
    }
}
