using Chat.Contracts;

namespace Chat.Server;

/// <summary>Who is in which room, and each room's latest messages (at most <see cref="RecentLimit"/>).</summary>
public sealed class ChatRooms
{
    public const int RecentLimit = 50;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Enter(string room, string socketId, string name)
    {
        lock (_lock)
        {
            Room state = GetOrAdd(room);
            state.Members[socketId] = name;
            return Names(state);
        }
    }

    public IReadOnlyList<string> Exit(string room, string socketId)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(room, out Room? state))
            {
                return [];
            }

            state.Members.Remove(socketId);
            if (state.Members.Count == 0 && state.Recent.Count == 0)
            {
                _rooms.Remove(room);
            }

            return Names(state);
        }
    }

    public IReadOnlyList<string> Users(string room)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(room, out Room? state) ? Names(state) : [];
        }
    }

    public void Remember(string room, ChatMessage message)
    {
        lock (_lock)
        {
            Queue<ChatMessage> recent = GetOrAdd(room).Recent;
            recent.Enqueue(message);
            while (recent.Count > RecentLimit)
            {
                recent.Dequeue();
            }
        }
    }

    public IReadOnlyList<ChatMessage> Recent(string room)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(room, out Room? state) ? state.Recent.ToArray() : [];
        }
    }

    private Room GetOrAdd(string room)
    {
        if (!_rooms.TryGetValue(room, out Room? state))
        {
            state = new Room();
            _rooms[room] = state;
        }

        return state;
    }

    private static string[] Names(Room state) => state.Members.Values.Order(StringComparer.Ordinal).ToArray();

    private sealed class Room
    {
        public Dictionary<string, string> Members { get; } = new(StringComparer.Ordinal);

        public Queue<ChatMessage> Recent { get; } = new();
    }
}
