using System.Text.Json.Serialization;

namespace TypedSocketIO.Core.Tests.SocketIO;

public sealed record ChatMessage(string Text, byte[]? Image);

public sealed record Envelope(string Kind, ChatMessage[] Messages, ReadOnlyMemory<byte> Blob);

public sealed record Person(string Name, int Age);

public sealed record Measurement(double Value, double? Optional, double[] Series);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(Person))]
[JsonSerializable(typeof(Measurement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(byte[]))]
[JsonSerializable(typeof(List<byte[]>))]
[JsonSerializable(typeof(Dictionary<string, byte[]>))]
public sealed partial class TestJsonContext : JsonSerializerContext;
