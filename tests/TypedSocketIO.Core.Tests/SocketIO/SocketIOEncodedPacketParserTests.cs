using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>A packet sent through another parser (ISocketIOParser) is encoded by it once, however many connections it goes to.</summary>
public sealed class SocketIOEncodedPacketParserTests
{
    [Fact]
    public void EncodeWith_SameParser_EncodesOnce_AnotherParser_EncodesAgain()
    {
        SocketIOEncodedPacket packet = SocketIOEncodedPacket.Event("/chat", "[\"x\",{\"_placeholder\":true,\"num\":0}]"u8, [new byte[] { 1 }]);
        var first = new CountingParser();
        var second = new CountingParser();

        byte[] a = packet.EncodeWith(first);
        byte[] b = packet.EncodeWith(first);
        byte[] c = packet.EncodeWith(second);

        Assert.Same(a, b);
        Assert.Equal(1, first.Encodes);
        Assert.Equal(1, second.Encodes);
        Assert.Equal("51-/chat,[\"x\",{\"_placeholder\":true,\"num\":0}]|01", System.Text.Encoding.UTF8.GetString(c));
    }

    /// <summary>Writes the text, '|', then each attachment in hex: enough to see what the parser was given.</summary>
    private sealed class CountingParser : ISocketIOParser
    {
        public int Encodes { get; private set; }

        public string Name => "counting";

        public byte[] Encode(ReadOnlySpan<byte> text, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
        {
            Encodes++;
            return System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(text) + "|" + string.Join(",", attachments.Select(m => Convert.ToHexString(m.Span))));
        }

        public SocketIODecodedMessage Decode(ReadOnlySpan<byte> message, bool isBinary, SocketIOParserOptions options) =>
            throw new NotSupportedException();
    }
}
