using System.Text.Json.Serialization;

namespace TypedSocketIO.Interop.Tests.Typed;

// The events of tests/interop-node/SCENARIOS.md as contracts, for the typed server flavour (TypedInteropServer).
//
// What the typed API cannot describe is left out on purpose and handled through the untyped surface
// (see TypedInteropServer, "TYPED-API GAP"): a typed acknowledgement carries exactly one value, so
// - `echo` (any number of arguments, acknowledged with the same arguments) and
// - `echo-binary` (acknowledged with two values)
// have no contract method, and the client's two-value answers to `question` / `question-binary` are read untyped.

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

    /// <summary>
    /// <c>room-message</c> to the room but the sender. The official server acknowledges with no value; a typed
    /// acknowledgement carries one (the scenario does not look at it), so this one says <see langword="true"/>.
    /// </summary>
    [Event("broadcast-room")]
    Task<bool> BroadcastRoom(string room, string message);

    /// <summary><c>room-message</c> to every socket in any of the rooms; acknowledged (see <see cref="BroadcastRoom"/>).</summary>
    [Event("emit-rooms")]
    Task<bool> EmitRooms(string[] rooms, string message);

    /// <summary><c>room-message</c> to one socket's own room; acknowledged (see <see cref="BroadcastRoom"/>).</summary>
    [Event("to-socket")]
    Task<bool> ToSocket(string socketId, string message);

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

    void Answered(string label, int number);

    void Binary(byte[] bytes, BinaryData data);

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
