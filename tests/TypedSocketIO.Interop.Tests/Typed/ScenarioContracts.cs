using System.Text.Json.Serialization;

namespace TypedSocketIO.Interop.Tests.Typed;

// The events of tests/interop-node/SCENARIOS.md as contracts, for the typed server flavour (TypedInteropServer).
//
// Acknowledgements with several values are tuples (`echo-binary`, the client's answers to `question` and
// `question-binary`), those with none are `Task<ValueTuple>` (the room events), as the official server sends them.
// Only `echo` has no contract method: it takes any number of arguments of any type and acknowledges with the same
// ones, which no fixed signature describes; it stays on the untyped surface (see TypedInteropServer).

/// <summary>Events the official client sends on <c>/</c>.</summary>
[SocketIOContract(JsonContext = typeof(ScenarioJsonContext))]
public interface IScenarioServer
{
    /// <summary>Acknowledged with the namespace name.</summary>
    Task<string> Whoami();

    /// <summary>Answered with <c>notified</c> and the same arguments (the scenario sends <c>"fire", 1.5</c>).</summary>
    void Notify(string label, double value);

    /// <summary>The server asks the client a <c>question</c>.</summary>
    void Ask();

    /// <summary>Acknowledged with the same two arguments; binary travels as attachments both ways.</summary>
    [Event("echo-binary")]
    Task<(BinaryPayload Payload, byte[] Extra)> EchoBinary(BinaryPayload payload, byte[] extra);

    /// <summary>The server emits <c>binary</c>.</summary>
    [Event("send-binary")]
    void SendBinary();

    /// <summary>The server asks the client a <c>question-binary</c>.</summary>
    [Event("ask-binary")]
    void AskBinary();

    /// <summary>Joins the room; acknowledged with <see langword="true"/>.</summary>
    Task<bool> Join(string room);

    /// <summary>Leaves the room; acknowledged with <see langword="true"/>.</summary>
    Task<bool> Leave(string room);

    /// <summary><c>room-message</c> to the room but the sender; acknowledged with no value, as the official server does.</summary>
    [Event("broadcast-room")]
    Task<ValueTuple> BroadcastRoom(string room, string message);

    /// <summary><c>room-message</c> to every socket in any of the rooms; acknowledged with no value.</summary>
    [Event("emit-rooms")]
    Task<ValueTuple> EmitRooms(string[] rooms, string message);

    /// <summary><c>room-message</c> to one socket's own room; acknowledged with no value.</summary>
    [Event("to-socket")]
    Task<ValueTuple> ToSocket(string socketId, string message);

    /// <summary>The server disconnects the socket.</summary>
    [Event("disconnect-me")]
    void DisconnectMe();
}

/// <summary>Events the server sends on <c>/</c>.</summary>
[SocketIOContract(JsonContext = typeof(ScenarioJsonContext))]
public interface IScenarioClient
{
    void Hello(string ns);

    void Notified(string label, double value);

    /// <summary>Asked by <c>ask</c>; the client answers with two values (<c>"q!", 14</c>).</summary>
    Task<(string Label, int Number)> Question(string text, int number);

    void Answered(string label, int number);

    void Binary(byte[] bytes, BinaryData data);

    /// <summary>Asked by <c>ask-binary</c>; the client answers with bytes and an object holding bytes.</summary>
    [Event("question-binary")]
    Task<(byte[] Bytes, MoreBinary More)> QuestionBinary(string text);

    [Event("answered-binary")]
    void AnsweredBinary(byte[] bytes, MoreBinary more);

    [Event("room-message")]
    void RoomMessage(string message);
}

/// <summary>Events the client sends on <c>/admin</c>.</summary>
[SocketIOContract]
public interface IAdminServer
{
    Task<string> Whoami();
}

/// <summary>Events the server sends on <c>/admin</c>.</summary>
[SocketIOContract]
public interface IAdminClient
{
    void Hello(string ns);
}

/// <summary>Events the server sends on <c>/private</c> (the client sends none there).</summary>
[SocketIOContract(JsonContext = typeof(ScenarioJsonContext))]
public interface IPrivateClient
{
    void Handshake(HandshakeInfo info);
}

/// <summary>Events the client sends on <c>/private</c>: none.</summary>
[SocketIOContract]
public interface IPrivateServer;

/// <summary>Events the client sends on a child of the dynamic namespace <c>/^\/team-\d+$/</c>.</summary>
[SocketIOContract(JsonContext = typeof(ScenarioJsonContext))]
public interface ITeamServer
{
    /// <summary>Acknowledged with the child namespace's name.</summary>
    Task<string> Whoami();

    /// <summary>The parent namespace emits <c>team-message</c> to every child; acknowledged with no value.</summary>
    [Event("parent-broadcast")]
    Task<ValueTuple> ParentBroadcast(string message);
}

/// <summary>Events the server sends on a child of the dynamic namespace.</summary>
[SocketIOContract(JsonContext = typeof(ScenarioJsonContext))]
public interface ITeamClient
{
    void Hello(string ns);

    [Event("team-message")]
    void TeamMessage(string message);
}

/// <summary>What the <c>/private</c> middleware saw of the handshake.</summary>
public sealed record HandshakeInfo(string Token, string Q);

/// <summary>The data of the <c>/private</c> middleware's refusal.</summary>
public sealed record Rejection(int Code, string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BinaryPayload))]
[JsonSerializable(typeof(BinaryData))]
[JsonSerializable(typeof(MoreBinary))]
[JsonSerializable(typeof(HandshakeInfo))]
[JsonSerializable(typeof(Rejection))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ScenarioJsonContext : JsonSerializerContext;
