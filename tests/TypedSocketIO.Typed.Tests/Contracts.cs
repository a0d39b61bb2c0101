using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSocketIO.Typed.Tests;

/// <summary>Events the client sends.</summary>
[SocketIOContract(JsonContext = typeof(TestJsonContext))]
public interface ITestServer
{
    void Hello(string name);

    Task<Sum> Add(int a, int b);

    ValueTask<byte[]> Reverse(byte[] data);

    [Event("custom-name")]
    void Custom(Item item);

    Task<string?> Echo(string? text);
}

/// <summary>Events the server sends.</summary>
[SocketIOContract(JsonContext = typeof(TestJsonContext))]
public interface ITestClient
{
    void Welcome(string message, int count);

    Task<bool> Confirm(string question);

    void Data(Item item, byte[] payload);
}

public sealed record Sum(int Value);

public sealed record Item(string Name, int Count);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Sum))]
[JsonSerializable(typeof(Item))]
public sealed partial class TestJsonContext : JsonSerializerContext
{
}
