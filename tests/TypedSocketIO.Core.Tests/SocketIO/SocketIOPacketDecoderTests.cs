using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>Every packet example of the Socket.IO v5 spec (socketio/socket.io-protocol README), decoded.</summary>
public sealed class SocketIOPacketDecoderTests
{
    private static SocketIOPacket Decode(string text)
    {
        var decoder = new SocketIOPacketDecoder(new SocketIOParserOptions());
        SocketIOPacket? packet = decoder.DecodeText(Utf8.Bytes(text));
        Assert.NotNull(packet);
        Assert.False(decoder.HasPendingBinaryPacket);
        return packet;
    }

    [Theory]
    [InlineData("0", SocketIOPacketType.Connect, "/", -1, "")]
    [InlineData("0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", SocketIOPacketType.Connect, "/", -1, "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}")]
    [InlineData("0/admin,", SocketIOPacketType.Connect, "/admin", -1, "")]
    [InlineData("0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", SocketIOPacketType.Connect, "/admin", -1, "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}")]
    [InlineData("4{\"message\":\"Not authorized\"}", SocketIOPacketType.ConnectError, "/", -1, "{\"message\":\"Not authorized\"}")]
    [InlineData("4{\"message\":\"Invalid namespace\"}", SocketIOPacketType.ConnectError, "/", -1, "{\"message\":\"Invalid namespace\"}")]
    [InlineData("2[\"foo\"]", SocketIOPacketType.Event, "/", -1, "[\"foo\"]")]
    [InlineData("2/admin,[\"bar\"]", SocketIOPacketType.Event, "/admin", -1, "[\"bar\"]")]
    [InlineData("212[\"foo\"]", SocketIOPacketType.Event, "/", 12, "[\"foo\"]")]
    [InlineData("312[]", SocketIOPacketType.Ack, "/", 12, "[]")]
    [InlineData("2/admin,13[\"foo\"]", SocketIOPacketType.Event, "/admin", 13, "[\"foo\"]")]
    [InlineData("3/admin,13[\"bar\"]", SocketIOPacketType.Ack, "/admin", 13, "[\"bar\"]")]
    [InlineData("314[\"bar\"]", SocketIOPacketType.Ack, "/", 14, "[\"bar\"]")]
    [InlineData("215[\"foo\"]", SocketIOPacketType.Event, "/", 15, "[\"foo\"]")]
    [InlineData("1", SocketIOPacketType.Disconnect, "/", -1, "")]
    [InlineData("1/admin,", SocketIOPacketType.Disconnect, "/admin", -1, "")]
    [InlineData("2/admin,456[\"x\",1]", SocketIOPacketType.Event, "/admin", 456, "[\"x\",1]")]
    [InlineData("3/admin,456[]", SocketIOPacketType.Ack, "/admin", 456, "[]")]
    [InlineData("41", SocketIOPacketType.ConnectError, "/", -1, "1")]
    [InlineData("4\"Invalid namespace\"", SocketIOPacketType.ConnectError, "/", -1, "\"Invalid namespace\"")]
    [InlineData("1/admin", SocketIOPacketType.Disconnect, "/admin", -1, "")]
    [InlineData("2/,[\"a\"]", SocketIOPacketType.Event, "/", -1, "[\"a\"]")]
    [InlineData("29007199254740991[\"max\"]", SocketIOPacketType.Event, "/", 9007199254740991, "[\"max\"]")]
    [InlineData("20[\"zero\"]", SocketIOPacketType.Event, "/", 0, "[\"zero\"]")]
    [InlineData("2007[\"lead\"]", SocketIOPacketType.Event, "/", 7, "[\"lead\"]")]
    [InlineData("2/ünï,[\"x\"]", SocketIOPacketType.Event, "/ünï", -1, "[\"x\"]")]
    public void DecodeText_SpecExample_ParsesEveryField(string text, SocketIOPacketType type, string nsp, long ackId, string payload)
    {
        if (text == "41")
        {
            // "41" is the Engine.IO form of "1": a DISCONNECT of "/". Without the Engine.IO '4', "41" is a
            // CONNECT_ERROR whose payload "1" is neither object nor string: rejected as the official parser does.
            var decoder = new SocketIOPacketDecoder();
            var error = Assert.Throws<SocketIOProtocolException>(() => decoder.DecodeText(Utf8.Bytes(text)));
            Assert.Equal("invalid payload: CONNECT_ERROR expects a JSON object or string", error.Message);
            Assert.Equal(SocketIOPacketType.Disconnect, Decode(text[1..]).Type);
            return;
        }

        SocketIOPacket packet = Decode(text);
        Assert.Equal(type, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(ackId, packet.AckId);
        Assert.Equal(ackId >= 0, packet.HasAckId);
        Assert.Equal(payload, Utf8.Text(packet.Payload));
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void DecodeText_Event_ExposesEventName()
    {
        SocketIOPacket packet = Decode("2[\"hey\",\"Jude\"]");
        Assert.Equal("hey", packet.EventName);
        Assert.Null(Decode("3[\"hey\"]").EventName);
    }

    [Fact]
    public void DecodeText_EscapedEventName_IsUnescaped()
    {
        Assert.Equal("a\"b\u00e9", Decode("2[\"a\\\"b\\u00e9\"]").EventName);
    }

    [Fact]
    public void DecodeText_SameNamespaceTwice_ReusesTheString()
    {
        var decoder = new SocketIOPacketDecoder();
        SocketIOPacket first = decoder.DecodeText(Utf8.Bytes("2/chat,[\"a\"]"))!;
        SocketIOPacket second = decoder.DecodeText(Utf8.Bytes("2/chat,[\"b\"]"))!;
        Assert.Same(first.Namespace, second.Namespace);
        Assert.Equal("/chat", second.Namespace);
    }

    [Fact]
    public void DecodeText_PayloadIsAnOwnedCopy()
    {
        byte[] input = Utf8.Bytes("2[\"foo\"]");
        SocketIOPacket packet = new SocketIOPacketDecoder().DecodeText(input)!;
        input.AsSpan().Fill((byte)'x');
        Assert.Equal("[\"foo\"]", Utf8.Text(packet.Payload));
    }

    [Fact]
    public void DecodeBinary_SpecBinaryEvent_CompletesAfterLastAttachment()
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.DecodeText(Utf8.Bytes("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]")));
        Assert.True(decoder.HasPendingBinaryPacket);
        SocketIOPacket? packet = decoder.DecodeBinary(new byte[] { 1, 2, 3, 4 });
        Assert.NotNull(packet);
        Assert.False(decoder.HasPendingBinaryPacket);
        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Equal(-1, packet.AckId);
        Assert.Equal("baz", packet.EventName);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Assert.Single(packet.Attachments).ToArray());
    }

    [Fact]
    public void DecodeBinary_SpecTwoAttachmentsInNamespace_KeepsOrder()
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.DecodeText(Utf8.Bytes("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")));
        Assert.Null(decoder.DecodeBinary(new byte[] { 1, 2 }));
        Assert.True(decoder.HasPendingBinaryPacket);
        SocketIOPacket packet = decoder.DecodeBinary(new byte[] { 3, 4 })!;
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(2, packet.Attachments.Count);
        Assert.Equal(new byte[] { 1, 2 }, packet.Attachments[0].ToArray());
        Assert.Equal(new byte[] { 3, 4 }, packet.Attachments[1].ToArray());
    }

    [Theory]
    [InlineData("51-14[\"foo\",{\"_placeholder\":true,\"num\":0}]", SocketIOPacketType.Event, "/", 14)]
    [InlineData("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", SocketIOPacketType.Ack, "/", 15)]
    [InlineData("61-/admin,456[{\"_placeholder\":true,\"num\":0}]", SocketIOPacketType.Ack, "/admin", 456)]
    public void DecodeBinary_SpecBinaryWithAckId_ReportsPlainTypeAndId(string text, SocketIOPacketType type, string nsp, long ackId)
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.DecodeText(Utf8.Bytes(text)));
        SocketIOPacket packet = decoder.DecodeBinary(new byte[] { 1, 2, 3, 4 })!;
        Assert.Equal(type, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(ackId, packet.AckId);
        Assert.Single(packet.Attachments);
    }

    [Fact]
    public void DecodeText_BinaryWithZeroAttachments_CompletesImmediately()
    {
        var decoder = new SocketIOPacketDecoder();
        SocketIOPacket? packet = decoder.DecodeText(Utf8.Bytes("50-[\"x\"]"));
        Assert.NotNull(packet);
        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.False(decoder.HasPendingBinaryPacket);
    }

    [Fact]
    public void DecodeBinary_AttachmentsAreOwnedCopies()
    {
        var decoder = new SocketIOPacketDecoder();
        decoder.DecodeText(Utf8.Bytes("51-[\"x\",{\"_placeholder\":true,\"num\":0}]"));
        byte[] frame = [9, 9];
        SocketIOPacket packet = decoder.DecodeBinary(frame)!;
        frame[0] = 0;
        Assert.Equal(new byte[] { 9, 9 }, packet.Attachments[0].ToArray());
    }

    [Fact]
    public void Reset_DropsThePendingBinaryPacket()
    {
        var decoder = new SocketIOPacketDecoder();
        decoder.DecodeText(Utf8.Bytes("52-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"));
        decoder.DecodeBinary(new byte[] { 1 });
        decoder.Reset();
        Assert.False(decoder.HasPendingBinaryPacket);
        Assert.Equal("y", decoder.DecodeText(Utf8.Bytes("2[\"y\"]"))!.EventName);
    }

    [Fact]
    public void DecodeText_PlaceholderInNonBinaryPacket_IsPlainJson()
    {
        // socket.io-parser only reconstructs BINARY_EVENT/BINARY_ACK; elsewhere such an object is data.
        SocketIOPacket packet = Decode("2[\"x\",{\"_placeholder\":true,\"num\":99}]");
        Assert.Empty(packet.Attachments);
        SocketIOArguments args = SocketIOArguments.FromEvent(packet, out _);
        Assert.False(args.IsBinary(0));
    }

    [Fact]
    public void Constructor_NegativeLimits_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOPacketDecoder(new SocketIOParserOptions { MaxAttachments = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOPacketDecoder(new SocketIOParserOptions { MaxDepth = 0 }));
    }
}
