using System.Text;
using System.Text.Json;
using TypedSocketIO.MessagePack;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.MessagePack.Tests;

/// <summary>The transcoding between the default form and the official socket.io-msgpack-parser 3.0.2, checked against it (Node).</summary>
public sealed class SocketIOMessagePackParserTests
{
    private static readonly SocketIOMessagePackParser Parser = SocketIOMessagePackParser.Instance;
    private static readonly SocketIOParserOptions Limits = new();

    /// <summary>The packets of msgpack-client.mjs's cases, in the default form our server builds them in.</summary>
    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { "connect", "0{\"sid\":\"abc\"}", [] },
        { "connect-chat", "0/chat,{\"sid\":\"abc\",\"pid\":\"p\"}", [] },
        { "connect-error", "4/x,{\"message\":\"Invalid namespace\"}", [] },
        { "disconnect", "1/chat,", [] },
        {
            "event",
            "2[\"hello\",\"wörld ✓\",1,-1,127,128,255,256,65535,65536,-32,-33,-128,-129,-32768,-32769,4294967295,4294967296,-2147483648,-2147483649,1.5,-0.25,true,false,null]",
            []
        },
        { "event-ack-id", "2/chat,12[\"ask\",{\"a\":[1,{\"b\":\"c\"}],\"\":\"\"}]", [] },
        { "event-binary", "53-[\"bin\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1},\"list\":[{\"_placeholder\":true,\"num\":2}]}]", ["010203", "", "ff"] },
        { "ack", "61-7[\"ok\",{\"_placeholder\":true,\"num\":0}]", ["09"] },
        { "long-string", "2[\"" + new string('x', 40) + "\",\"" + new string('y', 300) + "\",\"" + new string('z', 70000) + "\"]", [] },
        { "big-array", "2[\"n\",[" + string.Join(',', Enumerable.Range(0, 20)) + "]]", [] },
    };

    private static async Task<Dictionary<string, string>> OfficialEncodingsAsync()
    {
        await using NodeScript node = NodeScript.Start("msgpack-client.mjs", "encode");
        await node.WaitForLineAsync(l => l.TryGetProperty("event", out JsonElement e) && e.GetString() == "done", TimeSpan.FromSeconds(30));
        return node.Lines.Where(l => l.TryGetProperty("case", out _))
            .ToDictionary(l => l.GetProperty("case").GetString()!, l => l.GetProperty("hex").GetString()!);
    }

    [Fact]
    public async Task Encode_WritesTheBytesOfTheOfficialEncoder()
    {
        Dictionary<string, string> official = await OfficialEncodingsAsync();
        foreach (object[] row in Cases())
        {
            var (name, text, attachments) = ((string)row[0], (string)row[1], (string[])row[2]);
            byte[] ours = Parser.Encode(Encoding.UTF8.GetBytes(text), [.. attachments.Select(h => (ReadOnlyMemory<byte>)Convert.FromHexString(h))]);
            Assert.True(official[name] == Convert.ToHexStringLower(ours), $"{name}: official {official[name]}\n ours {Convert.ToHexStringLower(ours)}");
        }
    }

    [Fact]
    public async Task Decode_GivesBackTheDefaultForm_OfWhatTheOfficialEncoderWrote()
    {
        Dictionary<string, string> official = await OfficialEncodingsAsync();
        foreach (object[] row in Cases())
        {
            var (name, text, attachments) = ((string)row[0], (string)row[1], (string[])row[2]);
            SocketIODecodedMessage decoded = Parser.Decode(Convert.FromHexString(official[name]), isBinary: true, Limits);
            Assert.Equal(text, Encoding.UTF8.GetString(decoded.Text));
            Assert.Equal(attachments, decoded.Attachments.Select(a => Convert.ToHexStringLower(a)));
        }
    }

    [Fact]
    public async Task OurEncodings_AreDecodedByTheOfficialDecoder()
    {
        await using NodeScript node = NodeScript.Start("msgpack-client.mjs", "decode");
        await node.SendAsync(Convert.ToHexStringLower(Parser.Encode("2/chat,3[\"x\",{\"k\":[1.25,\"v\"]}]"u8, [])));
        await node.SendAsync(Convert.ToHexStringLower(Parser.Encode("51-[\"b\",{\"_placeholder\":true,\"num\":0}]"u8, [new byte[] { 1, 2 }])));
        await node.SendAsync(Convert.ToHexStringLower(Parser.Encode("0/a,{\"sid\":\"s\"}"u8, [])));
        await node.SendAsync("c0"); // nil: not a packet
        JsonElement[] lines = await ReadAsync(node, 4);

        Assert.Equal("""{"type":2,"data":["x",{"k":[1.25,"v"]}],"id":3,"nsp":"/chat"}""", lines[0].GetProperty("decoded").GetRawText());
        Assert.Equal("""{"type":2,"data":["b",{"$binary":"0102"}],"nsp":"/"}""", lines[1].GetProperty("decoded").GetRawText());
        Assert.Equal("""{"type":0,"data":{"sid":"s"},"nsp":"/a"}""", lines[2].GetProperty("decoded").GetRawText());
        Assert.True(lines[3].TryGetProperty("error", out _));
    }

    private static async Task<JsonElement[]> ReadAsync(NodeScript node, int count)
    {
        await node.WaitForLineAsync(_ => node.Lines.Count(l => l.TryGetProperty("decoded", out _) || l.TryGetProperty("error", out _)) >= count, TimeSpan.FromSeconds(30));
        return [.. node.Lines.Where(l => l.TryGetProperty("decoded", out _) || l.TryGetProperty("error", out _))];
    }

    [Fact]
    public void Decode_IgnoresUnknownKeys_AndNotepacksUndefined()
    {
        // {"type":2,"data":["a",undefined],"options":{"compress":true},"nsp":"/","id":5} as the official client writes an emit.
        byte[] message = [0x85, 0xa4, .. "type"u8, 0x02, 0xa4, .. "data"u8, 0x92, 0xa1, (byte)'a', 0xd4, 0x00, 0x00,
            0xa7, .. "options"u8, 0x81, 0xa8, .. "compress"u8, 0xc3, 0xa3, .. "nsp"u8, 0xa1, (byte)'/', 0xa2, .. "id"u8, 0x05];

        SocketIODecodedMessage decoded = Parser.Decode(message, isBinary: true, Limits);

        Assert.Equal("25[\"a\",null]", Encoding.UTF8.GetString(decoded.Text));
        Assert.Empty(decoded.Attachments);
    }

    [Theory]
    [InlineData("c0", "a msgpack packet is a map")]
    [InlineData("81a474797065cc09", "invalid packet type")]
    [InlineData("82a474797065 02a46461746192", "invalid MessagePack packet")]
    [InlineData("83a47479706502a46461746180a36e7370a12f", "invalid payload")]
    [InlineData("83a47479706502a46461746190a36e7370a178", "invalid namespace")]
    [InlineData("83a47479706502a46461746191c7010501a36e7370a12f", "unsupported MessagePack extension type 5")]
    [InlineData("83a47479706502a46461746191810102a36e7370a12f", "a map key that is not a string")]
    [InlineData("84a47479706502a46461746190a36e7370a12fa26964a178", "invalid packet id")]
    [InlineData("83a47479706502a46461746190a36e7370a12f00", "bytes after the msgpack packet")]
    // A binary value in a CONNECT's auth or a CONNECT_ERROR's data (found by the msgpack SharpFuzz target: it came out as an ACK).
    [InlineData("83a47479706500a46461746181a161c40101a36e7370a12f", "only EVENT and ACK packets carry binary data")]
    [InlineData("83a47479706500a46461746181a574676b6591c400a36e7370a62f41647b696e", "only EVENT and ACK packets carry binary data")]
    [InlineData("83a47479706504a46461746181a161c40101a36e7370a12f", "only EVENT and ACK packets carry binary data")]
    public void Decode_BadInput_ClearError(string hex, string expected)
    {
        byte[] message = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        SocketIOProtocolException error = Assert.Throws<SocketIOProtocolException>(() => Parser.Decode(message, isBinary: true, Limits));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TextMessage_TooDeep_TooManyBinaries_AreRefused()
    {
        Assert.Equal("the msgpack parser receives binary messages only",
            Assert.Throws<SocketIOProtocolException>(() => Parser.Decode("2[\"x\"]"u8, isBinary: false, Limits)).Message);

        byte[] deep = Parser.Encode(Encoding.UTF8.GetBytes("2[" + new string('[', 70) + new string(']', 70) + "]"), []);
        Assert.Equal("JSON too deep", Assert.Throws<SocketIOProtocolException>(() => Parser.Decode(deep, isBinary: true, Limits)).Message);

        string placeholders = string.Join(',', Enumerable.Range(0, 11).Select(i => $"{{\"_placeholder\":true,\"num\":{i}}}"));
        byte[] many = Parser.Encode(Encoding.UTF8.GetBytes("511-[\"b\"," + placeholders + "]"), [.. Enumerable.Range(0, 11).Select(_ => (ReadOnlyMemory<byte>)new byte[] { 1 })]);
        Assert.Equal("too many attachments", Assert.Throws<SocketIOProtocolException>(() => Parser.Decode(many, isBinary: true, Limits)).Message);
    }
}
