using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSocketIO;

namespace BenchServer;

/// <summary>What the load generator sends (the typed API's side of the same wire as the untyped server).</summary>
[SocketIOContract(JsonContext = typeof(BenchJsonContext))]
public interface IBenchServer
{
    /// <summary><c>42N["echo",{"n":1,"s":"…"}]</c>, acknowledged with the same payload.</summary>
    Task<Payload> Echo(Payload payload);

    /// <summary><c>451-N["echoBinary",&lt;64 KiB&gt;]</c>, acknowledged with the same bytes.</summary>
    Task<byte[]> EchoBinary(byte[] data);

    /// <summary>Joins a room; acknowledged with <c>true</c>.</summary>
    Task<bool> Join(string room);

    /// <summary>Emits <c>tick</c> with the payload to every socket in the room.</summary>
    void Broadcast(string room, Payload payload);
}

/// <summary>What the server sends.</summary>
[SocketIOContract(JsonContext = typeof(BenchJsonContext))]
public interface IBenchClient
{
    void Tick(Payload payload);
}

/// <summary>The payload of every event: a sequence number and a short text.</summary>
public sealed record Payload(long N, string S);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Payload))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
