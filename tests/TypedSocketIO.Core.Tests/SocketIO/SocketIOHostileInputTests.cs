using System.Text;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Core.Tests.SocketIO;

/// <summary>
/// Bad input from a peer: each case throws <see cref="SocketIOProtocolException"/> with a message naming the rule,
/// and nothing else (RELIABILITY-ADVISORIES.md, socket.io-parser section).
/// </summary>
public sealed class SocketIOHostileInputTests
{
    private static SocketIOProtocolException Reject(string text, SocketIOParserOptions? options = null)
    {
        var decoder = new SocketIOPacketDecoder(options);
        return Reject(decoder, Utf8.Bytes(text));
    }

    private static SocketIOProtocolException Reject(SocketIOPacketDecoder decoder, byte[] utf8)
    {
        Exception? thrown = Record.Exception(() => decoder.DecodeText(utf8));
        return Assert.IsType<SocketIOProtocolException>(thrown);
    }

    [Theory]
    [InlineData("7[\"x\"]")]
    [InlineData("9")]
    [InlineData("a[\"x\"]")]
    [InlineData("-1")]
    [InlineData("[\"x\"]")]
    public void UnknownPacketType(string text) => Assert.Equal("invalid packet type", Reject(text).Message);

    [Fact]
    public void EmptyPacket() => Assert.Equal("empty packet", Reject("").Message);

    [Theory]
    [InlineData("5-[\"x\"]")]
    [InlineData("5[\"x\"]")]
    [InlineData("51[\"x\"]")]
    [InlineData("5a-[\"x\"]")]
    [InlineData("51")]
    [InlineData("5 1-[\"x\"]")]
    public void MalformedAttachmentCount(string text) => Assert.Equal("invalid attachment count", Reject(text).Message);

    [Theory]
    [InlineData("511-[\"x\"]")]
    [InlineData("5999999999999999999999999999-[\"x\"]")]
    [InlineData("61000-[]")]
    public void AttachmentCountOverLimit(string text) => Assert.Equal("too many attachments", Reject(text).Message);

    [Fact]
    public void AttachmentCountAtLimit_IsAccepted()
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.DecodeText(Utf8.Bytes("510-[\"x\"]")));
        Assert.True(decoder.HasPendingBinaryPacket);
    }

    [Fact]
    public void AttachmentCountOverCustomLimit()
    {
        var options = new SocketIOParserOptions { MaxAttachments = 2 };
        Assert.Equal("too many attachments", Reject("53-[\"x\"]", options).Message);
    }

    [Theory]
    [InlineData("{\"_placeholder\":true,\"num\":\"splice\"}")] // CVE-2022-2421
    [InlineData("{\"_placeholder\":true,\"num\":\"0\"}")]
    [InlineData("{\"_placeholder\":true,\"num\":0.5}")]
    [InlineData("{\"_placeholder\":true,\"num\":1}")]
    [InlineData("{\"_placeholder\":true,\"num\":-1}")]
    [InlineData("{\"_placeholder\":true,\"num\":4294967296}")]
    [InlineData("{\"_placeholder\":true,\"num\":null}")]
    [InlineData("{\"_placeholder\":true,\"num\":[0]}")]
    [InlineData("{\"_placeholder\":true}")]
    [InlineData("{\"num\":0,\"_placeholder\":true,\"num\":7}")]
    [InlineData("{\"a\":[{\"_placeholder\":true,\"num\":3}]}")]
    public void InvalidPlaceholderNum(string argument)
    {
        SocketIOProtocolException error = Reject("51-[\"x\"," + argument + "]");
        Assert.Equal("invalid attachment placeholder: num must be an integer in [0, attachments)", error.Message);
    }

    [Theory]
    [InlineData("{\"_placeholder\":false,\"num\":\"x\"}")]
    [InlineData("{\"_placeholder\":\"true\",\"num\":9}")]
    [InlineData("{\"_placeholder\":true,\"num\":9,\"_placeholder\":false}")]
    public void ObjectThatIsNotAPlaceholder_IsData(string argument)
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.DecodeText(Utf8.Bytes("51-[\"x\"," + argument + "]")));
    }

    [Fact]
    public void MoreBinaryFramesThanAnnounced()
    {
        var decoder = new SocketIOPacketDecoder();
        decoder.DecodeText(Utf8.Bytes("51-[\"x\",{\"_placeholder\":true,\"num\":0}]"));
        Assert.NotNull(decoder.DecodeBinary(new byte[] { 1 }));
        var error = Assert.Throws<SocketIOProtocolException>(() => decoder.DecodeBinary(new byte[] { 2 }));
        Assert.Equal("unexpected binary frame: no binary packet is waiting for attachments", error.Message);
    }

    [Fact]
    public void BinaryFrameWhenNonePending()
    {
        var decoder = new SocketIOPacketDecoder();
        var error = Assert.Throws<SocketIOProtocolException>(() => decoder.DecodeBinary(new byte[] { 1, 2, 3 }));
        Assert.Equal("unexpected binary frame: no binary packet is waiting for attachments", error.Message);
    }

    [Fact]
    public void TextPacketWhileAttachmentsPending()
    {
        var decoder = new SocketIOPacketDecoder();
        decoder.DecodeText(Utf8.Bytes("51-[\"x\",{\"_placeholder\":true,\"num\":0}]"));
        var error = Reject(decoder, Utf8.Bytes("2[\"y\"]"));
        Assert.Equal("unexpected text packet while waiting for binary attachments", error.Message);
    }

    [Theory]
    [InlineData("29007199254740992[\"x\"]")] // 2^53
    [InlineData("299999999999999999999999999999999999[\"x\"]")]
    [InlineData("3/admin,18446744073709551616[]")]
    [InlineData("2-1[\"x\"]")]
    [InlineData("2/admin,-5[\"x\"]")]
    public void AckIdOutOfRange(string text) => Assert.Equal("invalid ack id", Reject(text).Message);

    [Theory]
    [InlineData("2[\"x\"")]
    [InlineData("2[\"x\",]")]
    [InlineData("2[\"x\"]]")]
    [InlineData("2[\"x\"] [\"y\"]")]
    [InlineData("2[\"x\",undefined]")]
    [InlineData("2[\"x\",NaN]")]
    [InlineData("2[\"x\",'y']")]
    [InlineData("2[\"x\"/*c*/]")]
    [InlineData("0{\"a\":}")]
    [InlineData("2 ")]
    public void InvalidJson(string text) => Assert.Equal("invalid JSON", Reject(text).Message);

    [Fact]
    public void InvalidUtf8() =>
        Assert.Equal("invalid UTF-8", Reject(new SocketIOPacketDecoder(), [(byte)'2', (byte)'[', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)']']).Message);

    [Fact]
    public void LoneSurrogateEventName() =>
        Assert.Equal("invalid payload: event name is not valid Unicode", Reject("2[\"\\ud800\"]").Message);

    [Fact]
    public void JsonAtDepthLimit_IsAccepted()
    {
        // The outer array is level 1: 63 more levels make 64.
        string text = "2[\"x\"," + new string('[', 63) + new string(']', 63) + "]";
        Assert.NotNull(new SocketIOPacketDecoder().DecodeText(Utf8.Bytes(text)));
    }

    [Fact]
    public void JsonOneLevelTooDeep()
    {
        string text = "2[\"x\"," + new string('[', 64) + new string(']', 64) + "]";
        Assert.Equal("JSON too deep", Reject(text).Message);
    }

    [Fact]
    public void JsonTooDeep_ObjectsCount()
    {
        var json = new StringBuilder("0");
        for (int i = 0; i < 65; i++)
        {
            json.Append("{\"a\":");
        }

        json.Append('1').Append('}', 65);
        Assert.Equal("JSON too deep", Reject(json.ToString()).Message);
    }

    [Fact]
    public void TenThousandNestedArrays_NoStackOverflow()
    {
        // The socket.io-parser crash from RELIABILITY-ADVISORIES.md (hasBinary recursion on re-emit).
        string text = "42[\"message\"," + new string('[', 10_000) + new string(']', 10_000) + "]";
        Assert.Equal("JSON too deep", Reject(text[1..]).Message);
        Assert.Equal("JSON too deep", Reject("5" + "1-" + text[2..]).Message);
        Assert.Equal("JSON too deep", Reject("2[\"x\"," + new string('[', 10_000)).Message);
    }

    [Fact]
    public void CustomDepthLimit()
    {
        var options = new SocketIOParserOptions { MaxDepth = 2 };
        Assert.NotNull(new SocketIOPacketDecoder(options).DecodeText(Utf8.Bytes("2[\"x\",[1]]")));
        Assert.Equal("JSON too deep", Reject("2[\"x\",[[1]]]", options).Message);
    }

    [Theory]
    [InlineData("2[{\"toString\":\"foo\"}]")] // CVE-2023-32695
    [InlineData("2[null]")]
    [InlineData("2[[\"x\"]]")]
    [InlineData("2[[1]]")]
    [InlineData("2[true,1]")]
    [InlineData("2[false]")]
    [InlineData("51-[{\"_placeholder\":true,\"num\":0}]")]
    public void EventNameNeitherStringNorNumber(string text) =>
        Assert.Equal("invalid payload: event name must be a string or a number", Reject(text).Message);

    // socket.io-parser's isPayloadValid accepts any number as the event name, and Node dispatches it to the listener of
    // String(n) (SocketIONodeExactnessTests proves it against socket.io 4.8.4); the expected names are Node's String(n).
    [Theory]
    [InlineData("2[1,\"x\"]", "1")]
    [InlineData("2[1.5]", "1.5")]
    [InlineData("2[1.0]", "1")]
    [InlineData("2[1E2]", "100")]
    [InlineData("2[-42]", "-42")]
    [InlineData("2[-0]", "0")]
    [InlineData("2[0.1]", "0.1")]
    [InlineData("2[0.000001]", "0.000001")]
    [InlineData("2[1e-7]", "1e-7")]
    [InlineData("2[1e21]", "1e+21")]
    [InlineData("2[123456789012345678901234]", "1.2345678901234569e+23")]
    [InlineData("2[1e400]", "Infinity")]
    [InlineData("2[-1e400]", "-Infinity")]
    [InlineData("2/admin,7[3,{\"a\":1}]", "3")]
    public void NumericEventName_IsAcceptedAsItsJavaScriptString(string text, string name)
    {
        SocketIOPacket packet = new SocketIOPacketDecoder().DecodeText(Utf8.Bytes(text))!;
        Assert.Equal(name, packet.EventName);
        SocketIOArguments.FromEvent(packet, out string eventName);
        Assert.Equal(name, eventName);
    }

    [Fact]
    public void NumericEventName_OfABinaryEvent()
    {
        var decoder = new SocketIOPacketDecoder();
        Assert.Null(decoder.DecodeText(Utf8.Bytes("51-[7,{\"_placeholder\":true,\"num\":0}]")));
        SocketIOPacket packet = decoder.DecodeBinary([1, 2])!;
        Assert.Equal("7", packet.EventName);
        SocketIOArguments args = SocketIOArguments.FromEvent(packet, out _);
        Assert.Equal(1, args.Count);
    }

    [Theory]
    [InlineData("2[\"connect\"]")]
    [InlineData("2[\"connect_error\"]")]
    [InlineData("2[\"disconnect\",1]")]
    [InlineData("2[\"disconnecting\"]")]
    [InlineData("2[\"newListener\"]")]
    [InlineData("2[\"removeListener\"]")]
    [InlineData("2[\"\\u0063onnect\"]")]
    public void ReservedEventName(string text) => Assert.Equal("invalid payload: reserved event name", Reject(text).Message);

    [Fact]
    public void EmptyEventArray() => Assert.Equal("invalid payload: EVENT expects a non-empty array", Reject("2[]").Message);

    [Fact]
    public void EmptyBinaryEventArray() => Assert.Equal("invalid payload: EVENT expects a non-empty array", Reject("50-[]").Message);

    [Theory]
    [InlineData("2", "invalid payload: EVENT expects a JSON array")]
    [InlineData("2/admin,", "invalid payload: EVENT expects a JSON array")]
    [InlineData("212", "invalid payload: EVENT expects a JSON array")]
    [InlineData("2{\"a\":1}", "invalid payload: EVENT expects a JSON array")]
    [InlineData("2\"foo\"", "invalid payload: EVENT expects a JSON array")]
    [InlineData("3", "invalid payload: ACK expects a JSON array")]
    [InlineData("312", "invalid payload: ACK expects a JSON array")]
    [InlineData("3{}", "invalid payload: ACK expects a JSON array")]
    [InlineData("3null", "invalid payload: ACK expects a JSON array")]
    [InlineData("61-{}", "invalid payload: ACK expects a JSON array")]
    [InlineData("0[]", "invalid payload: CONNECT expects a JSON object")]
    [InlineData("0\"x\"", "invalid payload: CONNECT expects a JSON object")]
    [InlineData("0/admin,null", "invalid payload: CONNECT expects a JSON object")]
    [InlineData("1[]", "invalid payload: DISCONNECT carries no payload")]
    [InlineData("1/admin,{}", "invalid payload: DISCONNECT carries no payload")]
    [InlineData("4", "invalid payload: CONNECT_ERROR expects a JSON object or string")]
    [InlineData("4[\"x\"]", "invalid payload: CONNECT_ERROR expects a JSON object or string")]
    [InlineData("4true", "invalid payload: CONNECT_ERROR expects a JSON object or string")]
    public void PayloadOfTheWrongKind(string text, string message) => Assert.Equal(message, Reject(text).Message);

    [Fact]
    public void FailedPacket_LeavesTheDecoderUsable()
    {
        var decoder = new SocketIOPacketDecoder();
        Reject(decoder, Utf8.Bytes("51-[\"x\",{\"_placeholder\":true,\"num\":5}]"));
        Assert.False(decoder.HasPendingBinaryPacket);
        Assert.NotNull(decoder.DecodeText(Utf8.Bytes("2[\"ok\"]")));
    }

    [Fact]
    public void RandomGarbage_OnlyProtocolExceptions()
    {
        // A small deterministic fuzz: truncations and byte flips of valid packets never throw anything else.
        string[] seeds =
        [
            "2/admin,456[\"x\",{\"a\":[1,2,{\"b\":null}]}]",
            "52-/admin,9[\"baz\",{\"_placeholder\":true,\"num\":0},{\"n\":{\"_placeholder\":true,\"num\":1}}]",
            "0/admin,{\"sid\":\"abc\"}",
            "4{\"message\":\"m\",\"data\":{\"x\":1}}",
        ];
        var random = new Random(1234);
        foreach (string seed in seeds)
        {
            byte[] bytes = Utf8.Bytes(seed);
            for (int n = 0; n < 400; n++)
            {
                byte[] mutated = bytes[..random.Next(bytes.Length + 1)];
                if (mutated.Length > 0)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                var decoder = new SocketIOPacketDecoder();
                Exception? thrown = Record.Exception(() =>
                {
                    SocketIOPacket? packet = decoder.DecodeText(mutated);
                    while (packet is null && decoder.HasPendingBinaryPacket)
                    {
                        packet = decoder.DecodeBinary(new byte[] { 1 });
                    }

                    // Whatever the decoder accepts, the arguments view reads without throwing.
                    SocketIOArguments? args = packet?.Type switch
                    {
                        SocketIOPacketType.Event => SocketIOArguments.FromEvent(packet, out _),
                        SocketIOPacketType.Ack => SocketIOArguments.FromAck(packet),
                        _ => null,
                    };
                    for (int i = 0; i < (args?.Count ?? 0); i++)
                    {
                        _ = args!.GetElement(i);
                        _ = args.IsBinary(i) ? args.GetBinary(i) : args.GetRawJson(i);
                    }
                });
                if (thrown is not null)
                {
                    Assert.IsType<SocketIOProtocolException>(thrown);
                }
            }
        }
    }
}
