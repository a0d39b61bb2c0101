using System.Text.Json;
using System.Text.Json.Serialization;
using TypedSocketIO;

namespace Micro;

/// <summary>The events the benchmark's client sends (the same wire as bench/Servers/BenchServer).</summary>
[SocketIOContract(JsonContext = typeof(MicroJsonContext))]
public interface IMicroServer
{
    /// <summary><c>2N["echo",{"n":1,"s":"…"}]</c>, acknowledged with the same payload.</summary>
    Task<Payload> Echo(Payload payload);
}

/// <summary>The events the server sends.</summary>
[SocketIOContract(JsonContext = typeof(MicroJsonContext))]
public interface IMicroClient
{
    /// <summary><c>2["tick",{"n":1,"s":"…"}]</c>.</summary>
    void Tick(Payload payload);
}

/// <summary>A sequence number and a short text.</summary>
public sealed record Payload(long N, string S);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Payload))]
public sealed partial class MicroJsonContext : JsonSerializerContext;
