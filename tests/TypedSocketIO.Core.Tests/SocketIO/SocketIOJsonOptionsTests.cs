using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>
/// The binary converters reach properties inside source-generated contracts through a copy of the context's options
/// (System.Text.Json source-generated contexts honour runtime converters from <c>Options.Converters</c>).
/// </summary>
public sealed class SocketIOJsonOptionsTests
{
    [Fact]
    public void SourceGeneratedContext_HonoursTheRuntimeConverters()
    {
        JsonSerializerOptions aware = SocketIOJsonOptions.GetBinaryAware(TestJsonContext.Default.Options);
        Assert.NotSame(TestJsonContext.Default.Options, aware);
        Assert.Same(TestJsonContext.Default, aware.TypeInfoResolverChain.OfType<TestJsonContext>().SingleOrDefault()
            ?? throw new InvalidOperationException("the context is not in the chain"));

        // Outside a packet writer the converters write base64, as System.Text.Json does: same bytes, other path.
        var message = new ChatMessage("t", [1, 2, 3]);
        Assert.Equal(
            JsonSerializer.Serialize(message, TestJsonContext.Default.ChatMessage),
            JsonSerializer.Serialize(message, SocketIOJsonOptions.GetBinaryAware(TestJsonContext.Default.ChatMessage)));

        // Inside the writer, the same generated metadata produces a placeholder: the converter was used.
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("m");
        writer.WriteArgument(message, TestJsonContext.Default.ChatMessage);
        Assert.Equal("51-[\"m\",{\"text\":\"t\",\"image\":{\"_placeholder\":true,\"num\":0}}]", Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void SourceGeneratedContext_UsesConvertersAddedToACopyOfItsOptions()
    {
        // The fact the design relies on, checked without our resolver in the chain: only Converters changes.
        var copy = new JsonSerializerOptions(TestJsonContext.Default.Options);
        copy.Converters.Add(new MarkerConverter());
        string json = JsonSerializer.Serialize(new ChatMessage("t", [1]), copy.GetTypeInfo(typeof(ChatMessage)));
        Assert.Equal("{\"text\":\"t\",\"image\":\"converted\"}", json);
    }

    [Fact]
    public void GetBinaryAware_IsCachedAndIdempotent()
    {
        JsonSerializerOptions aware = SocketIOJsonOptions.GetBinaryAware(TestJsonContext.Default.Options);
        Assert.Same(aware, SocketIOJsonOptions.GetBinaryAware(TestJsonContext.Default.Options));
        Assert.Same(aware, SocketIOJsonOptions.GetBinaryAware(aware));
        Assert.True(SocketIOJsonOptions.IsBinaryAware(aware));
        Assert.False(SocketIOJsonOptions.IsBinaryAware(TestJsonContext.Default.Options));
        Assert.True(aware.IsReadOnly);

        var info = SocketIOJsonOptions.GetBinaryAware(TestJsonContext.Default.Person);
        Assert.Same(aware, info.Options);
        Assert.Same(info, SocketIOJsonOptions.GetBinaryAware(info));
    }

    [Fact]
    public void ReadOnlyMemory_NotInTheContext_IsStillSupported()
    {
        // TestJsonContext lists no top-level ReadOnlyMemory<byte>: the attachment resolver supplies it.
        JsonSerializerOptions aware = SocketIOJsonOptions.GetBinaryAware(TestJsonContext.Default.Options);
        Assert.NotNull(aware.GetTypeInfo(typeof(ReadOnlyMemory<byte>)));
        Assert.Throws<NotSupportedException>(() => TestJsonContext.Default.Options.GetTypeInfo(typeof(Uri)));
    }

    private sealed class MarkerConverter : System.Text.Json.Serialization.JsonConverter<byte[]>
    {
        public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => [];

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteStringValue("converted");
    }
}
