using Chat.Contracts;
using TypedSocketIO.Server;

namespace Chat.Server;

/// <summary>
/// One instance per connected client (created from dependency injection): the compiler holds it to <see cref="IChatServer"/>,
/// and <see cref="SocketHandler{TSend}.Socket"/> sends the events of <see cref="IChatClient"/>.
/// </summary>
public sealed partial class ChatHandler(ChatRooms rooms, SocketIOServer io, ILogger<ChatHandler> log) : SocketHandler<IChatClient>, IChatServer
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);
    private string? _name;
    private string? _room;

    private SocketIONamespace<IChatServer, IChatClient> Chat => io.Of<IChatServer, IChatClient>("/");

    public async Task<JoinResult> Join(JoinRequest request)
    {
        string name = string.IsNullOrWhiteSpace(request.Name) ? "anonymous" : request.Name.Trim();
        string room = string.IsNullOrWhiteSpace(request.Room) ? "lobby" : request.Room.Trim();
        if (_room is not null && _room != room)
        {
            // A server-to-client acknowledgement: the client decides whether it leaves its room.
            bool agreed = await Socket.Timeout(ConfirmTimeout).Emit.ConfirmLeave(_room);
            if (!agreed)
            {
                return new JoinResult(_room, rooms.Users(_room), rooms.Recent(_room));
            }

            LeaveRoom();
        }

        _name = name;
        _room = room;
        Socket.Join(room);
        IReadOnlyList<string> users = rooms.Enter(room, Socket.Id, name);
        Socket.To(room).Emit.Users(new RoomUsers(room, users));
        Log.Joined(log, name, room);
        return new JoinResult(room, users, rooms.Recent(room));
    }

    public void SendMessage(string text)
    {
        if (_room is null || _name is null || string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var message = new ChatMessage(_name, text.Length > 2000 ? text[..2000] : text, DateTimeOffset.UtcNow);
        rooms.Remember(_room, message);
        Chat.To(_room).Emit.Message(message);
    }

    public void Typing(bool isTyping)
    {
        if (_room is not null && _name is not null)
        {
            Socket.To(_room).Emit.Typing(new TypingNotice(_name, isTyping));
        }
    }

    public override ValueTask OnDisconnectedAsync(string reason)
    {
        LeaveRoom();
        return ValueTask.CompletedTask;
    }

    private void LeaveRoom()
    {
        if (_room is null)
        {
            return;
        }

        string room = _room;
        _room = null;
        Socket.Leave(room);
        IReadOnlyList<string> users = rooms.Exit(room, Socket.Id);
        Chat.To(room).Emit.Users(new RoomUsers(room, users));
        if (_name is not null)
        {
            Chat.To(room).Emit.Typing(new TypingNotice(_name, false));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Name} joined {Room}.")]
        public static partial void Joined(ILogger logger, string name, string room);
    }
}
