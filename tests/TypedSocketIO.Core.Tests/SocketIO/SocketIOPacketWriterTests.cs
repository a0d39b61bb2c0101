using System.Text.Json;
using System.Text.Json.Nodes;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>Every EVENT/ACK example of the Socket.IO v5 spec, encoded byte for byte, plus binary and the writer's rules.</summary>
public sealed class SocketIOPacketWriterTests
{
    private static readonly byte[] OneToFour = [1, 2, 3, 4];

    [Theory]
    [InlineData("foo", "/", -1, "2[\"foo\"]")]
    [InlineData("bar", "/admin", -1, "2/admin,[\"bar\"]")]
    [InlineData("foo", "/", 12, "212[\"foo\"]")]
    [InlineData("foo", "/admin", 13, "2/admin,13[\"foo\"]")]
    [InlineData("foo", "/", 15, "215[\"foo\"]")]
    [InlineData("x", "/", 9007199254740991, "29007199254740991[\"x\"]")]
    [InlineData("x", "/", 0, "20[\"x\"]")]
    public void Build_SpecEvent_ExactBytes(string name, string nsp, long ackId, string expected)
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent(name);
        SocketIOEncodedPacket packet = writer.Build(nsp, ackId);
        Assert.Equal(Utf8.Bytes(expected), packet.Text.ToArray());
        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Empty(packet.Attachments);
    }

    [Theory]
    [InlineData(null, "/", 12, "312[]")]
    [InlineData("bar", "/admin", 13, "3/admin,13[\"bar\"]")]
    [InlineData("bar", "/", 14, "314[\"bar\"]")]
    [InlineData(null, "/admin", 456, "3/admin,456[]")]
    public void Build_SpecAck_ExactBytes(string? argument, string nsp, long ackId, string expected)
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartAck();
        if (argument is not null)
        {
            writer.WriteArgument(argument);
        }

        SocketIOEncodedPacket packet = writer.Build(nsp, ackId);
        Assert.Equal(expected, Utf8.Text(packet.Text));
        Assert.Equal(SocketIOPacketType.Ack, packet.Type);
    }

    [Fact]
    public void Build_SpecBinaryEvent_PlaceholderAndAttachment()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("baz");
        writer.WriteArgument(OneToFour);
        SocketIOEncodedPacket packet = writer.Build("/");
        Assert.Equal("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]", Utf8.Text(packet.Text));
        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal(OneToFour, Assert.Single(packet.Attachments).ToArray());
    }

    [Fact]
    public void Build_SpecBinaryEventInNamespace_TwoAttachments()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("baz");
        writer.WriteBinary(new byte[] { 1, 2 });
        writer.WriteArgument(new ReadOnlyMemory<byte>([3, 4]));
        SocketIOEncodedPacket packet = writer.Build("/admin");
        Assert.Equal("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", Utf8.Text(packet.Text));
        Assert.Equal(new byte[] { 1, 2 }, packet.Attachments[0].ToArray());
        Assert.Equal(new byte[] { 3, 4 }, packet.Attachments[1].ToArray());
    }

    [Fact]
    public void Build_SpecBinaryEventWithAckId()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("foo");
        writer.WriteArgument(OneToFour);
        Assert.Equal("51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", Utf8.Text(writer.Build("/", 14).Text));
    }

    [Fact]
    public void Build_SpecBinaryAck()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartAck();
        writer.WriteArgument("bar");
        writer.WriteArgument(OneToFour);
        SocketIOEncodedPacket packet = writer.Build("/", 15);
        Assert.Equal("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", Utf8.Text(packet.Text));
        Assert.Equal(SocketIOPacketType.BinaryAck, packet.Type);
    }

    [Fact]
    public void WriteArgumentTyped_BinaryNestedInObjectsAndArrays_BecomesPlaceholders()
    {
        var envelope = new Envelope(
            "k",
            [new ChatMessage("a", [1]), new ChatMessage("b", null), new ChatMessage("c", [2, 2])],
            new byte[] { 3, 3, 3 });
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("env");
        writer.WriteArgument(envelope, TestJsonContext.Default.Envelope);
        writer.WriteArgument(new Dictionary<string, byte[]> { ["z"] = [4] }, TestJsonContext.Default.DictionaryStringByteArray);
        SocketIOEncodedPacket packet = writer.Build("/", 7);

        Assert.Equal(
            "54-7[\"env\",{\"kind\":\"k\",\"messages\":[{\"text\":\"a\",\"image\":{\"_placeholder\":true,\"num\":0}},"
            + "{\"text\":\"b\",\"image\":null},{\"text\":\"c\",\"image\":{\"_placeholder\":true,\"num\":1}}],"
            + "\"blob\":{\"_placeholder\":true,\"num\":2}},{\"z\":{\"_placeholder\":true,\"num\":3}}]",
            Utf8.Text(packet.Text));
        Assert.Equal(new byte[][] { [1], [2, 2], [3, 3, 3], [4] }, packet.Attachments.Select(a => a.ToArray()).ToArray());
    }

    [Fact]
    public void WriteArgumentObject_Primitives_MatchJsonStringify()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("p");
        foreach (object? value in new object?[]
                 {
                     null, "s\"<>&'é\n", true, false, 1, -2L, 1.5, double.NaN, double.PositiveInfinity, 2.5f, 3m,
                     (short)4, (byte)5, (sbyte)-6, (ushort)7, 8u, 9ul,
                 })
        {
            writer.WriteArgument(value);
        }

        Assert.Equal(
            "2[\"p\",null,\"s\\\"<>&'é\\n\",true,false,1,-2,1.5,null,null,2.5,3,4,5,-6,7,8,9]",
            Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void WriteArgumentObject_JsonElementAndNode()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartAck();
        writer.WriteArgument(JsonDocument.Parse("{\"a\":[1,{\"_placeholder\":true,\"num\":0}]}").RootElement);
        writer.WriteArgument(new JsonObject { ["b"] = new JsonArray(1, "x") });
        Assert.Equal("3[{\"a\":[1,{\"_placeholder\":true,\"num\":0}]},{\"b\":[1,\"x\"]}]", Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void WriteArgumentObject_ByteVariants_AreAttachments()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("b");
        writer.WriteArgument(new Memory<byte>([1]));
        writer.WriteArgument(new ArraySegment<byte>([0, 2, 0], 1, 1));
        SocketIOEncodedPacket packet = writer.Build("/");
        Assert.Equal("52-[\"b\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", Utf8.Text(packet.Text));
        Assert.Equal(new byte[] { 2 }, packet.Attachments[1].ToArray());
    }

    [Fact]
    public void WriteArgumentObject_OtherTypesThroughTheResolver()
    {
        using var writer = new SocketIOPacketWriter(TestJsonContext.Default.Options);
        writer.StartEvent("m");
        writer.WriteArgument(new ChatMessage("hi", [7]));
        SocketIOEncodedPacket packet = writer.Build("/");
        Assert.Equal("51-[\"m\",{\"text\":\"hi\",\"image\":{\"_placeholder\":true,\"num\":0}}]", Utf8.Text(packet.Text));
    }

    [Fact]
    public void WriteArgumentObject_TypeUnknownToTheResolver_ThrowsNotSupported()
    {
        using var writer = new SocketIOPacketWriter(TestJsonContext.Default.Options);
        writer.StartEvent("m");
        var error = Assert.Throws<NotSupportedException>(() => writer.WriteArgument(new Uri("http://x")));
        Assert.Contains("JsonSerializable", error.Message, StringComparison.Ordinal);

        using var bare = new SocketIOPacketWriter();
        bare.StartEvent("m");
        Assert.Throws<NotSupportedException>(() => bare.WriteArgument(new Person("a", 1)));
    }

    [Fact]
    public void WriteRawJson_IsCopiedAndValidated()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("r");
        writer.WriteRawJson("{\"x\":[1,2]}"u8);
        Assert.Throws<ArgumentException>(() => writer.WriteRawJson("{\"x\":"u8));
        writer.WriteArgument(1);
        Assert.Equal("2[\"r\",{\"x\":[1,2]},1]", Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void Build_TextLengthIsExactlyTheContent_NoPooledBytesLeak()
    {
        // CVE-2026-45736 analogue: dirty the pool, then check nothing past the written length is exposed.
        for (int i = 0; i < 8; i++)
        {
            byte[] dirty = System.Buffers.ArrayPool<byte>.Shared.Rent(256 << i);
            dirty.AsSpan().Fill((byte)'#');
            System.Buffers.ArrayPool<byte>.Shared.Return(dirty);
        }

        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("big");
        writer.WriteArgument(new string('a', 70_000));
        SocketIOEncodedPacket big = writer.Build("/");
        writer.StartEvent("x");
        SocketIOEncodedPacket small = writer.Build("/");

        Assert.Equal("2[\"big\",\"".Length + 70_000 + "\"]".Length, big.Text.Length);
        Assert.DoesNotContain((byte)'#', big.Text.ToArray());
        Assert.Equal("2[\"x\"]", Utf8.Text(small.Text));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(small.Text, out ArraySegment<byte> segment));
        Assert.Equal(0, segment.Offset);
        Assert.Equal(segment.Array!.Length, segment.Count); // exact-size array, not a pooled one
    }

    [Fact]
    public void Build_AttachmentsAreCopies_CallerMayReuseItsBuffer()
    {
        byte[] data = [1, 2, 3];
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("b");
        writer.WriteArgument(data);
        SocketIOEncodedPacket packet = writer.Build("/");
        data[0] = 9;
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Attachments[0].ToArray());
    }

    [Fact]
    public void Writer_IsReusableAfterBuild()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("a");
        writer.WriteArgument(new byte[] { 1 });
        writer.Build("/");
        writer.StartAck();
        writer.WriteArgument(2);
        SocketIOEncodedPacket second = writer.Build("/", 3);
        Assert.Equal("33[2]", Utf8.Text(second.Text));
        Assert.Empty(second.Attachments);
    }

    [Fact]
    public void UsageErrors_Throw()
    {
        using var writer = new SocketIOPacketWriter();
        Assert.Throws<InvalidOperationException>(() => writer.WriteArgument(1));
        Assert.Throws<InvalidOperationException>(() => writer.Build("/"));
        Assert.Throws<ArgumentException>(() => writer.StartEvent("disconnect"));
        writer.StartEvent("x");
        Assert.Throws<ArgumentException>(() => writer.Build("admin"));
        Assert.Throws<ArgumentException>(() => writer.Build("/a,b"));
        Assert.Throws<ArgumentException>(() => writer.Build(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Build("/", -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Build("/", 9007199254740992));
        Assert.Equal("2[\"x\"]", Utf8.Text(writer.Build("/").Text)); // a rejected Build leaves the packet open
    }

    [Fact]
    public void TooManyAttachments_Throws_AndTheWriterRecovers()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("b");
        for (int i = 0; i < 10; i++)
        {
            writer.WriteBinary(new byte[] { (byte)i });
        }

        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteArgument(new List<byte[]> { new byte[] { 1 } }, TestJsonContext.Default.ListByteArray));
        Assert.StartsWith("too many attachments", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => writer.WriteArgument(1)); // the packet is abandoned
        writer.StartEvent("ok");
        Assert.Equal("2[\"ok\"]", Utf8.Text(writer.Build("/").Text));

        writer.MaxAttachments = 11;
        writer.StartEvent("b");
        for (int i = 0; i < 11; i++)
        {
            writer.WriteBinary(new byte[] { (byte)i });
        }

        Assert.StartsWith("511-", Utf8.Text(writer.Build("/").Text), StringComparison.Ordinal);
    }

    [Fact]
    public void DeepJsonNode_ThrowsInsteadOfOverflowingTheStack()
    {
        JsonNode node = new JsonArray();
        JsonNode root = node;
        for (int i = 0; i < 10_000; i++)
        {
            var inner = new JsonArray();
            ((JsonArray)node).Add(inner);
            node = inner;
        }

        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("deep");
        var error = Assert.Throws<InvalidOperationException>(() => writer.WriteArgument(root));
        Assert.Contains("maximum allowed depth of 65", error.Message, StringComparison.Ordinal);
        writer.StartEvent("after");
        Assert.Equal("2[\"after\"]", Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void DeepTypedValue_ThrowsJsonException()
    {
        var element = JsonDocument.Parse(new string('[', 63) + new string(']', 63)).RootElement;
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("deep");
        writer.WriteArgument(element); // 63 + the outer array = 64: allowed
        Assert.StartsWith("2[\"deep\",[[[", Utf8.Text(writer.Build("/").Text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("😀\u0001\u2028<é>&'+`", "\"😀\\u0001\u2028<é>&'+`\"")]
    [InlineData("quote\"back\\slash", "\"quote\\\"back\\\\slash\"")]
    [InlineData("\b\f\n\r\t\u001f\u007f", "\"\\b\\f\\n\\r\\t\\u001f\u007f\"")]
    public void Strings_EscapedExactlyAsJsonStringify(string value, string expectedJson)
    {
        // The expected forms are what JSON.stringify(value) prints in Node: only ", \\ and control characters are escaped,
        // with lower-case hex; everything else (emoji, U+2028, HTML-sensitive characters, DEL) is raw UTF-8.
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("e");
        writer.WriteArgument(value);
        writer.WriteArgument(new Person(value, 1), TestJsonContext.Default.Person);
        Assert.Equal("2[\"e\"," + expectedJson + ",{\"name\":" + expectedJson + ",\"age\":1}]", Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void Strings_LoneSurrogates_AreEscapedAsJsonStringifyDoes()
    {
        // Built in code: a lone surrogate cannot survive an attribute argument. JSON.stringify("a\ud800b\udc00 😀") in Node prints
        // "a\ud800b\udc00 😀": the lone halves escaped, the pair raw.
        string value = "a" + (char)0xD800 + "b" + (char)0xDC00 + " 😀";
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("e");
        writer.WriteArgument(value);
        writer.WriteArgument(new Person(value, 1), TestJsonContext.Default.Person);
        Assert.Equal("2[\"e\",\"a\\ud800b\\udc00 😀\",{\"name\":\"a\\ud800b\\udc00 😀\",\"age\":1}]", Utf8.Text(writer.Build("/").Text));
    }

    [Fact]
    public void Disposed_Throws()
    {
        var writer = new SocketIOPacketWriter();
        writer.Dispose();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.StartEvent("x"));
    }
}
