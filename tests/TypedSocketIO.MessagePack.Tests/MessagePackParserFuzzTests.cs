using System.Text;
using TypedSocketIO.MessagePack;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.MessagePack.Tests;

/// <summary>
/// The msgpack parser's decoder against hostile input, 200 000 inputs each, the same on every run (fixed seeds): mutations of
/// valid messages and random bytes. The oracle: only <see cref="SocketIOProtocolException"/> may surface, and what the parser
/// accepts is a packet in the default form that the default decoder reads whole or refuses with the same documented exception.
/// On valid packets, decode ∘ encode gives the packet back.
/// </summary>
public sealed class MessagePackParserFuzzTests
{
    private const int Inputs = 200_000;
    private static readonly SocketIOMessagePackParser Parser = SocketIOMessagePackParser.Instance;
    private static readonly SocketIOParserOptions Limits = new() { MaxAttachments = 4, MaxDepth = 16 };

    /// <summary>Valid packets of every type, in the default form, with their attachments.</summary>
    private static readonly (string Text, byte[][] Attachments)[] Packets =
    [
        ("0", []),
        ("0/admin,{\"token\":\"x\"}", []),
        ("1/admin,", []),
        ("2[\"hello\",1,\"two\",{\"three\":[3]},null,true,-0.5]", []),
        ("2/admin,12[\"x\"]", []),
        ("31[\"ok\"]", []),
        ("3/admin,7[{\"a\":\"b\"}]", []),
        ("4{\"message\":\"no\",\"data\":{\"code\":1}}", []),
        ("51-[\"up\",{\"_placeholder\":true,\"num\":0}]", [[1, 2, 3]]),
        ("52-/admin,9[\"up\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", [[9], []]),
        ("61-3[{\"_placeholder\":true,\"num\":0}]", [[0xFF, 0x00]]),
        ("2[\"ünïcödé ✓ 😀\",[[[[[]]]]]]", []),
    ];

    private static readonly byte[][] Seeds = [.. Packets.Select(p => Parser.Encode(Encoding.UTF8.GetBytes(p.Text), [.. p.Attachments.Select(a => new ReadOnlyMemory<byte>(a))]))];

    /// <summary>Bytes that matter to MessagePack: type markers of every family, lengths at their bounds.</summary>
    private static readonly byte[] Interesting =
        [0x00, 0x01, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xCA, 0xCB,
         0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD3, 0xD4, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xFF];

    [Fact]
    public void ValidPackets_DecodeToThemselves()
    {
        for (int i = 0; i < Packets.Length; i++)
        {
            SocketIODecodedMessage decoded = Parser.Decode(Seeds[i], isBinary: true, new SocketIOParserOptions());
            Assert.Equal(Packets[i].Text, Encoding.UTF8.GetString(decoded.Text));
            Assert.Equal(Packets[i].Attachments, decoded.Attachments);
        }
    }

    [Fact]
    public void MutatedValidMessages_OnlyProtocolErrors()
    {
        var random = new Random(20261207);
        int accepted = 0;
        for (int i = 0; i < Inputs; i++)
        {
            if (DecodeWithOracle(ByteMutator.Mutate(random, Seeds[i % Seeds.Length], Interesting), isBinary: true))
            {
                accepted++;
            }
        }

        // Some mutations stay valid, so the paths past the first bytes are reached too.
        Assert.InRange(accepted, Inputs / 100, Inputs - 1);
    }

    [Fact]
    public void RandomBytesAndTextMessages_OnlyProtocolErrors()
    {
        var random = new Random(7);
        for (int i = 0; i < Inputs; i++)
        {
            var input = new byte[random.Next(0, 48)];
            for (int j = 0; j < input.Length; j++)
            {
                input[j] = random.Next(3) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
            }

            DecodeWithOracle(input, isBinary: random.Next(8) != 0);
        }
    }

    /// <summary>Decodes one input; true when the parser accepted it. Any exception but the documented one fails the test.</summary>
    private static bool DecodeWithOracle(byte[] input, bool isBinary)
    {
        SocketIODecodedMessage decoded;
        try
        {
            decoded = Parser.Decode(input, isBinary, Limits);
        }
        catch (SocketIOProtocolException)
        {
            return false;
        }

        Assert.InRange(decoded.Attachments.Count, 0, Limits.MaxAttachments);
        var decoder = new SocketIOPacketDecoder(Limits);
        try
        {
            SocketIOPacket? packet = decoder.DecodeText(decoded.Text);
            foreach (byte[] attachment in decoded.Attachments)
            {
                Assert.Null(packet);
                packet = decoder.DecodeBinary(attachment);
            }

            Assert.NotNull(packet);
        }
        catch (SocketIOProtocolException)
        {
            // The default decoder's own documented refusal of a packet the msgpack layer could not judge (e.g. an event name
            // that is not a string): the connection would close with "parse error", as for any invalid packet.
        }

        return true;
    }
}
