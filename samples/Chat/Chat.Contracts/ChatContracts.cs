using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSocketIO;

namespace Chat.Contracts;

/// <summary>The events a chat client sends to the server.</summary>
[SocketIOContract(JsonContext = typeof(ChatJsonContext))]
public interface IChatServer
{
    /// <summary>Enters a room under a name; the acknowledgement lists who is there and the latest messages.</summary>
    Task<JoinResult> Join(JoinRequest request);

    /// <summary>Says something in the current room.</summary>
    void SendMessage(string text);

    /// <summary>Starts or stops typing in the current room.</summary>
    [Event("typing")]
    void Typing(bool isTyping);
}

/// <summary>The events the server sends to a chat client.</summary>
[SocketIOContract(JsonContext = typeof(ChatJsonContext))]
public interface IChatClient
{
    /// <summary>Someone said something in the room.</summary>
    void Message(ChatMessage message);

    /// <summary>The people in the room changed.</summary>
    void Users(RoomUsers users);

    /// <summary>Someone started or stopped typing.</summary>
    [Event("typing")]
    void Typing(TypingNotice notice);

    /// <summary>The server asks before moving the client to another room; the client answers whether it agrees.</summary>
    Task<bool> ConfirmLeave(string room);
}

public sealed record JoinRequest(string Name, string Room);

public sealed record JoinResult(string Room, IReadOnlyList<string> Users, IReadOnlyList<ChatMessage> Recent);

public sealed record ChatMessage(string Author, string Text, DateTimeOffset SentAt);

public sealed record RoomUsers(string Room, IReadOnlyList<string> Names);

public sealed record TypingNotice(string Name, bool IsTyping);

/// <summary>System.Text.Json metadata for the contract types (camelCase, as JavaScript expects).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResult))]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(RoomUsers))]
[JsonSerializable(typeof(TypingNotice))]
public sealed partial class ChatJsonContext : JsonSerializerContext
{
}
