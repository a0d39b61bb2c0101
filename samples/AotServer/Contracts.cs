using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSocketIO;

namespace AotServer;

/// <summary>The events a client sends to the server.</summary>
[SocketIOContract(JsonContext = typeof(AotJsonContext))]
public interface IAotServer
{
    /// <summary>Answered with <c>echoed</c> carrying the same text (a plain emit each way).</summary>
    void Echo(string text);

    /// <summary>Adds the two numbers; the acknowledgement carries the sum (a client→server ack).</summary>
    Task<AddResult> Add(AddRequest request);

    /// <summary>The server asks the client a <c>question</c> and emits <c>answered</c> with the client's acknowledgement (a server→client ack).</summary>
    void Ask(string text);

    /// <summary>Binary both ways: the server emits <c>reversed</c> with the bytes in reverse order, and acknowledges with their length and checksum.</summary>
    Task<BinaryInfo> Upload(byte[] data, string label);

    /// <summary>Joins a room; acknowledged with the number of sockets now in it.</summary>
    Task<int> Join(string room);

    /// <summary>Sends <c>said</c> to every socket in the room, the sender included when it is a member.</summary>
    void Say(string room, string text);
}

/// <summary>The events the server sends to a client.</summary>
[SocketIOContract(JsonContext = typeof(AotJsonContext))]
public interface IAotClient
{
    void Echoed(string text);

    /// <summary>The server asks; the client acknowledges with its answer.</summary>
    Task<string> Question(string text);

    void Answered(string answer);

    void Reversed(byte[] data, string label);

    void Said(RoomMessage message);
}

public sealed record AddRequest(double A, double B);

public sealed record AddResult(double Sum);

public sealed record BinaryInfo(int Length, int Checksum);

public sealed record RoomMessage(string Room, string From, string Text);

/// <summary>System.Text.Json metadata for every type on the wire (camelCase, as JavaScript expects); no reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddResult))]
[JsonSerializable(typeof(BinaryInfo))]
[JsonSerializable(typeof(RoomMessage))]
public sealed partial class AotJsonContext : JsonSerializerContext;
