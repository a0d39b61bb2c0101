using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSocketIO.Client.Tests;

/// <summary>Events the client sends (the server receives).</summary>
[SocketIOContract(JsonContext = typeof(ClientTestJsonContext))]
public interface ITestServer
{
    void Hello(string name);

    Task<Sum> Add(int a, int b);

    Task<byte[]> Reverse(byte[] data);

    [Event("seq")]
    void Sequence(int n);
}

/// <summary>Events the server sends (the client receives).</summary>
[SocketIOContract(JsonContext = typeof(ClientTestJsonContext))]
public interface ITestClient
{
    void Welcome(string message, int count);

    Task<string> Question(string text);

    void Data(Item item, byte[] payload);
}

public sealed record Sum(int Value);

public sealed record Item(string Name, int Count);

/// <summary>Binary nested in an object and in an array (socket.io's placeholders below the top level).</summary>
public sealed record Nested(byte[] Data, int N, byte[][] List);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Sum))]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(Nested))]
public sealed partial class ClientTestJsonContext : JsonSerializerContext
{
}
