using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

public sealed class SocketIOArgumentsTests
{
    private static SocketIOPacket DecodeAll(string text, params byte[][] frames)
    {
        var decoder = new SocketIOPacketDecoder();
        SocketIOPacket? packet = decoder.DecodeText(Utf8.Bytes(text));
        foreach (byte[] frame in frames)
        {
            Assert.Null(packet);
            packet = decoder.DecodeBinary(frame);
        }

        Assert.NotNull(packet);
        return packet;
    }

    [Fact]
    public void FromEvent_SplitsArgumentsAfterTheName()
    {
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("2/admin,456[\"join\", \"lobby\" ,{\"a\":[1,{}]},[1,[2]],3.5,true,false,null]"), out string name);
        Assert.Equal("join", name);
        Assert.Equal(7, args.Count);
        Assert.Equal("\"lobby\"", Utf8.Text(args.GetRawJson(0)));
        Assert.Equal("{\"a\":[1,{}]}", Utf8.Text(args.GetRawJson(1)));
        Assert.Equal("[1,[2]]", Utf8.Text(args.GetRawJson(2)));
        Assert.Equal("3.5", Utf8.Text(args.GetRawJson(3)));
        Assert.Equal(
            new[] { JsonValueKind.String, JsonValueKind.Object, JsonValueKind.Array, JsonValueKind.Number, JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null },
            Enumerable.Range(0, 7).Select(args.GetKind).ToArray());
        Assert.Equal("lobby", args.GetValue(0, TestJsonContext.Default.String));
        Assert.Equal(JsonValueKind.Null, args.GetKind(6));
        Assert.Equal("null", Utf8.Text(args.GetRawJson(6)));
        Assert.Empty(args.Attachments);
    }

    [Fact]
    public void FromEvent_NameOnly_HasNoArguments()
    {
        Assert.Equal(0, SocketIOArguments.FromEvent(DecodeAll("2[\"ping\"]"), out _).Count);
    }

    [Fact]
    public void FromAck_EmptyAndFull()
    {
        Assert.Equal(0, SocketIOArguments.FromAck(DecodeAll("312[]")).Count);
        SocketIOArguments args = SocketIOArguments.FromAck(DecodeAll("3/admin,13[\"bar\",{\"name\":\"n\",\"age\":3}]"));
        Assert.Equal(2, args.Count);
        Assert.Equal(new Person("n", 3), args.GetValue(1, TestJsonContext.Default.Person));
    }

    [Fact]
    public void WrongPacketType_Throws()
    {
        Assert.Throws<ArgumentException>(() => SocketIOArguments.FromAck(DecodeAll("2[\"x\"]")));
        Assert.Throws<ArgumentException>(() => SocketIOArguments.FromEvent(DecodeAll("3[\"x\"]"), out _));
        Assert.Throws<ArgumentException>(() => SocketIOArguments.FromEvent(DecodeAll("0"), out _));
    }

    [Fact]
    public void BinaryArguments_TopLevelAndNested()
    {
        SocketIOPacket packet = DecodeAll(
            "53-/admin,9[\"up\",{\"_placeholder\":true,\"num\":2},{\"text\":\"t\",\"image\":{\"_placeholder\":true,\"num\":0}},"
            + "{\"kind\":\"k\",\"messages\":[{\"text\":\"m\",\"image\":{\"num\":1,\"_placeholder\":true}}],\"blob\":{\"_placeholder\":true,\"num\":2}},\"plain\"]",
            [10], [11, 11], [12, 12, 12]);
        SocketIOArguments args = SocketIOArguments.FromEvent(packet, out string name);
        Assert.Equal("up", name);
        Assert.Equal(4, args.Count);
        Assert.Equal(3, args.Attachments.Count);

        Assert.True(args.IsBinary(0));
        Assert.Equal(new byte[] { 12, 12, 12 }, args.GetBinary(0).ToArray());
        Assert.Equal(new byte[] { 12, 12, 12 }, args.GetValue(0, TestJsonContext.Default.ByteArray));
        Assert.Equal(JsonValueKind.Object, args.GetKind(0));

        Assert.False(args.IsBinary(1));
        Assert.Throws<InvalidOperationException>(() => args.GetBinary(1));
        ChatMessage message = args.GetValue(1, TestJsonContext.Default.ChatMessage)!;
        Assert.Equal("t", message.Text);
        Assert.Equal(new byte[] { 10 }, message.Image);

        Envelope envelope = args.GetValue(2, TestJsonContext.Default.Envelope)!;
        Assert.Equal(new byte[] { 11, 11 }, envelope.Messages[0].Image);
        Assert.Equal(new byte[] { 12, 12, 12 }, envelope.Blob.ToArray());

        Assert.False(args.IsBinary(3));
        Assert.Equal("plain", args.GetValue(3, TestJsonContext.Default.String));

        // GetElement leaves placeholders as they are.
        Assert.Equal(2, args.GetElement(0).GetProperty("num").GetInt32());
    }

    [Fact]
    public void GetValue_ByteArrayIsACopy_ReadOnlyMemoryIsTheAttachment()
    {
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("51-[\"b\",{\"_placeholder\":true,\"num\":0}]", [1, 2]), out _);
        byte[] copy = args.GetValue(0, TestJsonContext.Default.ByteArray)!;
        copy[0] = 99;
        Assert.Equal(new byte[] { 1, 2 }, args.GetBinary(0).ToArray());
    }

    [Fact]
    public void GetValue_Base64StringStillReadsAsBytes()
    {
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("2[\"b\",\"AQID\",{\"text\":\"t\",\"image\":\"BA==\"}]"), out _);
        Assert.Equal(new byte[] { 1, 2, 3 }, args.GetValue(0, TestJsonContext.Default.ByteArray));
        Assert.Equal(new byte[] { 4 }, args.GetValue(1, TestJsonContext.Default.ChatMessage)!.Image);
    }

    [Fact]
    public void GetValue_PlaceholderWithoutAttachment_IsAJsonException()
    {
        // A placeholder in a non-binary packet is plain data: it does not fit byte[] (contract mismatch, not a protocol error).
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("2[\"b\",{\"_placeholder\":true,\"num\":0}]"), out _);
        Assert.False(args.IsBinary(0));
        Assert.Throws<JsonException>(() => args.GetValue(0, TestJsonContext.Default.ByteArray));
    }

    [Fact]
    public void GetValue_TypeMismatch_IsAJsonException()
    {
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("2[\"b\",\"text\",{\"age\":\"x\"}]"), out _);
        Assert.Throws<JsonException>(() => args.GetValue(0, TestJsonContext.Default.Int32));
        Assert.Throws<JsonException>(() => args.GetValue(1, TestJsonContext.Default.Person));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void ManyArguments_EachAtItsPlace_AroundTheInlineAndStackLimits(int count)
    {
        // One argument is kept inline, up to 16 are found on the stack, more go to a list: every index reads back.
        string arguments = string.Join(",", Enumerable.Range(0, count).Select(i => i % 3 == 0 ? $"{{\"i\":{i}}}" : i % 3 == 1 ? $"\"s{i}\"" : $"[{i}]"));
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll($"2[\"many\",{arguments}]"), out _);
        Assert.Equal(count, args.Count);
        for (int i = 0; i < count; i++)
        {
            string expected = i % 3 == 0 ? $"{{\"i\":{i}}}" : i % 3 == 1 ? $"\"s{i}\"" : $"[{i}]";
            Assert.Equal(expected, Utf8.Text(args.GetRawJson(i)));
            Assert.Equal(i % 3 == 0 ? JsonValueKind.Object : i % 3 == 1 ? JsonValueKind.String : JsonValueKind.Array, args.GetKind(i));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => args.GetRawJson(count));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.GetRawJson(-1));
    }

    [Fact]
    public void IndexOutOfRange_Throws()
    {
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("2[\"b\",1]"), out _);
        Assert.Throws<ArgumentOutOfRangeException>(() => args.GetRawJson(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => args.GetKind(-1));
    }

    [Fact]
    public void ArgumentsAtTheDepthLimit_AreReadable()
    {
        string deep = new string('[', 63) + new string(']', 63);
        SocketIOArguments args = SocketIOArguments.FromEvent(DecodeAll("2[\"d\"," + deep + "]"), out _);
        Assert.Equal(deep, Utf8.Text(args.GetRawJson(0)));
        Assert.Equal(JsonValueKind.Array, args.GetElement(0).ValueKind);
    }
}
