using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>CONNECT, CONNECT_ERROR and DISCONNECT examples of the spec, encoded byte for byte.</summary>
public sealed class SocketIOEncodedPacketTests
{
    [Theory]
    [InlineData("/", "", "0")]
    [InlineData("/", "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", "0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}")]
    [InlineData("/admin", "", "0/admin,")]
    [InlineData("/admin", "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", "0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}")]
    public void Connect_SpecExamples(string nsp, string payload, string expected)
    {
        SocketIOEncodedPacket packet = SocketIOEncodedPacket.Connect(nsp, Utf8.Bytes(payload));
        Assert.Equal(expected, Utf8.Text(packet.Text));
        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Empty(packet.Attachments);
    }

    [Theory]
    [InlineData("/", "Not authorized", "", "4{\"message\":\"Not authorized\"}")]
    [InlineData("/", "Invalid namespace", "", "4{\"message\":\"Invalid namespace\"}")]
    [InlineData("/admin", "nope", "{\"code\":42}", "4/admin,{\"message\":\"nope\",\"data\":{\"code\":42}}")]
    [InlineData("/", "quote \" and é", "\"x\"", "4{\"message\":\"quote \\\" and é\",\"data\":\"x\"}")]
    // data written again as JSON.stringify(JSON.parse(data)): escapes undone, numbers as Number::toString
    [InlineData("/", "m", "{\"\\u00e9\":\"\\u2028\\uD83D\\uDE00\\u003c\",\"n\":[1.0,-0,1E+21,1e400]}", "4{\"message\":\"m\",\"data\":{\"é\":\"\u2028😀<\",\"n\":[1,0,1e+21,null]}}")]
    public void ConnectError_MatchesTheOfficialServer(string nsp, string message, string data, string expected)
    {
        SocketIOEncodedPacket packet = SocketIOEncodedPacket.ConnectError(nsp, message, Utf8.Bytes(data));
        Assert.Equal(expected, Utf8.Text(packet.Text));
        Assert.Equal(SocketIOPacketType.ConnectError, packet.Type);
    }

    [Theory]
    [InlineData("/", "1")]
    [InlineData("/admin", "1/admin,")]
    public void Disconnect_SpecExamples(string nsp, string expected) =>
        Assert.Equal(expected, Utf8.Text(SocketIOEncodedPacket.Disconnect(nsp).Text));

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => SocketIOEncodedPacket.Connect("/", "[]"u8));
        Assert.Throws<ArgumentException>(() => SocketIOEncodedPacket.Connect("/", "{}{}"u8));
        Assert.Throws<ArgumentException>(() => SocketIOEncodedPacket.Connect("/", "{"u8));
        Assert.Throws<ArgumentException>(() => SocketIOEncodedPacket.Connect("admin", default));
        Assert.Throws<ArgumentException>(() => SocketIOEncodedPacket.ConnectError("/", "m", "{"u8));
        Assert.Throws<ArgumentException>(() => SocketIOEncodedPacket.Disconnect("/a,b"));
        Assert.Throws<ArgumentNullException>(() => SocketIOEncodedPacket.Disconnect(null!));
    }

    [Fact]
    public void EncodedPackets_DecodeBackToTheSameFields()
    {
        var decoder = new SocketIOPacketDecoder();
        SocketIOPacket connect = decoder.DecodeText(SocketIOEncodedPacket.Connect("/admin", "{\"sid\":\"s\"}"u8).Text.Span)!;
        Assert.Equal(("/admin", "{\"sid\":\"s\"}"), (connect.Namespace, Utf8.Text(connect.Payload)));
        SocketIOPacket error = decoder.DecodeText(SocketIOEncodedPacket.ConnectError("/x", "m").Text.Span)!;
        Assert.Equal(SocketIOPacketType.ConnectError, error.Type);
        SocketIOPacket disconnect = decoder.DecodeText(SocketIOEncodedPacket.Disconnect("/x").Text.Span)!;
        Assert.Equal((SocketIOPacketType.Disconnect, "/x"), (disconnect.Type, disconnect.Namespace));
    }
}
