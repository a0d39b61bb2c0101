using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>What the writer encodes, the decoder reads back, field for field and byte for byte.</summary>
public sealed class SocketIORoundTripTests
{
    private static SocketIOPacket Decode(SocketIOEncodedPacket encoded)
    {
        var decoder = new SocketIOPacketDecoder();
        SocketIOPacket? packet = decoder.DecodeText(encoded.Text.Span);
        foreach (ReadOnlyMemory<byte> attachment in encoded.Attachments)
        {
            Assert.Null(packet);
            packet = decoder.DecodeBinary(attachment.Span);
        }

        Assert.NotNull(packet);
        Assert.False(decoder.HasPendingBinaryPacket);
        return packet;
    }

    [Theory]
    [InlineData("/", -1)]
    [InlineData("/admin", 456)]
    [InlineData("/ünï", 0)]
    [InlineData("/", 9007199254740991)]
    public void Event_WithBinaryEverywhere_RoundTrips(string nsp, long ackId)
    {
        var envelope = new Envelope("k", [new ChatMessage("a", [1, 2]), new ChatMessage("b", null)], new byte[] { 3 });
        using var writer = new SocketIOPacketWriter(TestJsonContext.Default.Options);
        writer.StartEvent("upload");
        writer.WriteArgument(envelope, TestJsonContext.Default.Envelope);
        writer.WriteArgument(new byte[] { 4, 5 });
        writer.WriteArgument("text");
        writer.WriteArgument(new Person("p", 7));
        SocketIOEncodedPacket encoded = writer.Build(nsp, ackId);

        SocketIOPacket packet = Decode(encoded);
        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal(nsp, packet.Namespace);
        Assert.Equal(ackId, packet.AckId);
        SocketIOArguments args = SocketIOArguments.FromEvent(packet, out string name);
        Assert.Equal("upload", name);
        Assert.Equal(4, args.Count);

        Envelope back = args.GetValue(0, TestJsonContext.Default.Envelope)!;
        Assert.Equal("k", back.Kind);
        Assert.Equal(new byte[] { 1, 2 }, back.Messages[0].Image);
        Assert.Null(back.Messages[1].Image);
        Assert.Equal(new byte[] { 3 }, back.Blob.ToArray());
        Assert.True(args.IsBinary(1));
        Assert.Equal(new byte[] { 4, 5 }, args.GetBinary(1).ToArray());
        Assert.Equal("text", args.GetValue(2, TestJsonContext.Default.String));
        Assert.Equal(new Person("p", 7), args.GetValue(3, TestJsonContext.Default.Person));
    }

    [Fact]
    public void ReceivedArguments_ReEmitted_ProduceTheSameBytes()
    {
        // A relay: decode, re-emit each argument as JsonElement or binary; the wire bytes are unchanged.
        const string text = "52-/chat,3[\"relay\",{\"a\":[1,\"x\",null,true]},{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        var decoder = new SocketIOPacketDecoder();
        decoder.DecodeText(Utf8.Bytes(text));
        decoder.DecodeBinary(new byte[] { 1 });
        SocketIOPacket packet = decoder.DecodeBinary(new byte[] { 2 })!;
        SocketIOArguments args = SocketIOArguments.FromEvent(packet, out string name);

        using var writer = new SocketIOPacketWriter();
        writer.StartEvent(name);
        for (int i = 0; i < args.Count; i++)
        {
            if (args.IsBinary(i))
            {
                writer.WriteBinary(args.GetBinary(i));
            }
            else
            {
                writer.WriteArgument(args.GetElement(i));
            }
        }

        SocketIOEncodedPacket encoded = writer.Build(packet.Namespace, packet.AckId);
        Assert.Equal(text, Utf8.Text(encoded.Text));
        Assert.Equal(new byte[] { 2 }, encoded.Attachments[1].ToArray());
    }

    [Fact]
    public void Ack_RoundTrips()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartAck();
        writer.WriteArgument(JsonDocument.Parse("{\"ok\":true}").RootElement);
        writer.WriteRawJson("[1,2]"u8);
        SocketIOPacket packet = Decode(writer.Build("/admin", 13));
        Assert.Equal((SocketIOPacketType.Ack, "/admin", 13L), (packet.Type, packet.Namespace, packet.AckId));
        SocketIOArguments args = SocketIOArguments.FromAck(packet);
        Assert.Equal("{\"ok\":true}", Utf8.Text(args.GetRawJson(0)));
        Assert.Equal("[1,2]", Utf8.Text(args.GetRawJson(1)));
    }

    [Fact]
    public void SharedEncodedPacket_DecodesIdenticallyManyTimes()
    {
        using var writer = new SocketIOPacketWriter();
        writer.StartEvent("b");
        writer.WriteArgument(new byte[] { 7, 7 });
        SocketIOEncodedPacket encoded = writer.Build("/");
        byte[] before = encoded.Text.ToArray();
        for (int i = 0; i < 3; i++)
        {
            SocketIOArguments args = SocketIOArguments.FromEvent(Decode(encoded), out _);
            Assert.Equal(new byte[] { 7, 7 }, args.GetBinary(0).ToArray());
        }

        Assert.Equal(before, encoded.Text.ToArray());
    }
}
