using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using TypedSocketIO.EngineIO;
using TypedSocketIO.SocketIO;
using TypedSocketIO.Testing;

namespace TypedSocketIO.Core.Tests.Fuzzing;

/// <summary>
/// The decoders against hostile input, 200 000 inputs each: fixed-seed mutations of valid packets (the same inputs on every
/// run) and random inputs from CsCheck (a failure prints the seed that reproduces it). The oracle: only the documented
/// protocol exception may surface (<see cref="SocketIOProtocolException"/>, <see cref="EngineIOProtocolException"/>), a
/// packet that decodes can be read whole, and a decoder that refused a packet decodes the next one after
/// <see cref="SocketIOPacketDecoder.Reset"/>. On valid packets, decode ∘ encode is the identity.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int Inputs = 200_000;

    /// <summary>Valid Socket.IO text packets of every type (the mutation seeds).</summary>
    private static readonly byte[][] SocketIOSeeds =
    [
        .. new[]
        {
            "0", "0/admin,", "0{\"token\":\"x\"}", "0/admin,{\"a\":1}", "1", "1/admin,",
            "2[\"hello\",1,\"two\",{\"three\":[3]}]", "2/admin,12[\"x\"]", "212[\"echo\",null,true,false,-0.5e10]",
            "3[]", "31[\"ok\"]", "3/admin,7[{\"a\":\"b\"}]", "2[1,\"x\"]",
            "4{\"message\":\"no\",\"data\":{\"code\":1}}", "4/admin,{\"message\":\"no\"}",
            "51-[\"up\",{\"_placeholder\":true,\"num\":0}]",
            "52-/admin,9[\"up\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
            "61-3[{\"_placeholder\":true,\"num\":0}]",
            "2[\"ünïcödé ✓ 😀\",\"\\u2028\",\"\\ud83d\\ude00\",[[[[[]]]]]]",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <summary>Valid Engine.IO polling payloads (the mutation seeds).</summary>
    private static readonly byte[][] EngineIOSeeds =
    [
        .. new[]
        {
            "4hello", "2\u001e3\u001e4x", "bAQID", "4a\u001ebAQIDBA==\u001e6", "1", "2probe", "5",
            "40\u001e42[\"chat\",\"hi\"]\u001e3",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <summary>Bytes that matter to the grammars: structure, digits, escapes, separators and broken UTF-8.</summary>
    private static readonly byte[] Interesting =
        "\"[]{},-/:0123456789btn\\e+.u_"u8.ToArray().Concat(new byte[] { 0x00, 0x1E, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF }).ToArray();

    [Fact]
    public void SocketIODecoder_MutatedValidPackets_OnlyProtocolErrors()
    {
        var random = new Random(20261207);
        var decoder = new SocketIOPacketDecoder();
        int decoded = 0;
        for (int i = 0; i < Inputs; i++)
        {
            byte[] input = ByteMutator.Mutate(random, SocketIOSeeds[i % SocketIOSeeds.Length], Interesting);
            if (DecodeWithOracle(decoder, input, random))
            {
                decoded++;
            }
        }

        // The mutations keep a share of the inputs valid, so the paths past the header are reached too.
        Assert.InRange(decoded, Inputs / 50, Inputs - 1);
        AssertStillDecodes(decoder);
    }

    [Fact]
    public void SocketIODecoder_RandomInputs_OnlyProtocolErrors()
    {
        Gen<byte[]> bytes = Gen.OneOf(
            Gen.Byte.Array[0, 64],
            Gen.OneOf(Interesting).Array[0, 48],
            Gen.OneOf(Interesting).Array[0, 24].Select(tail => Encoding.UTF8.GetBytes("2[").Concat(tail).ToArray()),
            Gen.OneOf(Interesting).Array[0, 24].Select(tail => Encoding.UTF8.GetBytes("51-[").Concat(tail).ToArray()));
        bytes.Sample(
            input =>
            {
                var decoder = new SocketIOPacketDecoder();
                DecodeWithOracle(decoder, input, new Random(input.Length));
                AssertStillDecodes(decoder);
            },
            iter: Inputs,
            print: Describe);
    }

    [Fact]
    public void SocketIO_EncodeThenDecode_IsTheIdentity()
    {
        Gen<string> text = Gen.String.Where(s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s);
        Gen<object?> argument = Gen.OneOf<object?>(
            text.Select(s => (object?)s),
            Gen.Long.Select(l => (object?)l),
            Gen.Double.Where(double.IsFinite).Select(d => (object?)d),
            Gen.Bool.Select(b => (object?)b),
            Gen.Bool.Select(_ => (object?)null),
            Gen.Byte.Array[0, 40].Select(b => (object?)b));
        Gen<(string Name, string Namespace, long AckId, object?[] Arguments)> events =
            Gen.Select(
                Gen.String.AlphaNumeric.Select(s => "e" + s),
                Gen.OneOf(Gen.Const("/"), Gen.String.AlphaNumeric.Select(s => "/" + s)),
                Gen.OneOf(Gen.Const(-1L), Gen.Long[0, 9007199254740991]),
                argument.Array[0, 6]);

        events.Sample(
            e =>
            {
                using var writer = new SocketIOPacketWriter();
                writer.StartEvent(e.Name);
                foreach (object? value in e.Arguments)
                {
                    writer.WriteArgument(value);
                }

                SocketIOEncodedPacket encoded = writer.Build(e.Namespace, e.AckId);
                var decoder = new SocketIOPacketDecoder();
                SocketIOPacket? packet = decoder.DecodeText(encoded.Text.Span);
                foreach (ReadOnlyMemory<byte> attachment in encoded.Attachments)
                {
                    Assert.Null(packet);
                    packet = decoder.DecodeBinary(attachment.Span);
                }

                Assert.NotNull(packet);
                Assert.Equal(e.Namespace, packet.Namespace);
                Assert.Equal(e.AckId, packet.AckId);
                SocketIOArguments arguments = SocketIOArguments.FromEvent(packet, out string name);
                Assert.Equal(e.Name, name);
                Assert.Equal(e.Arguments.Length, arguments.Count);
                for (int i = 0; i < e.Arguments.Length; i++)
                {
                    switch (e.Arguments[i])
                    {
                        case byte[] data:
                            Assert.True(arguments.IsBinary(i));
                            Assert.Equal(data, arguments.GetBinary(i).ToArray());
                            break;
                        case string s:
                            Assert.Equal(s, arguments.GetElement(i).GetString());
                            break;
                        case long l:
                            Assert.Equal(l, arguments.GetElement(i).GetInt64());
                            break;
                        case double d:
                            Assert.Equal(d, arguments.GetElement(i).GetDouble());
                            break;
                        case bool b:
                            Assert.Equal(b, arguments.GetElement(i).GetBoolean());
                            break;
                        default:
                            Assert.Equal(JsonValueKind.Null, arguments.GetKind(i));
                            break;
                    }
                }
            },
            iter: 20_000);
    }

    [Fact]
    public void EngineIOPayload_MutatedAndRandomPayloads_OnlyProtocolErrors()
    {
        var random = new Random(7);
        for (int i = 0; i < Inputs; i++)
        {
            byte[] input = i % 2 == 0 ? ByteMutator.Mutate(random, EngineIOSeeds[i % EngineIOSeeds.Length], Interesting) : RandomBytes(random);
            ReadPayloadWithOracle(input);
        }

        Gen.Byte.Array[0, 64].Sample(ReadPayloadWithOracle, iter: Inputs, print: Describe);
    }

    [Fact]
    public void EngineIOPayload_WriteThenRead_IsTheIdentity()
    {
        // Text data is a string (no record separator can be in it: the official client cannot send one either).
        Gen<(EngineIOPacketType Type, byte[] Data, bool IsBinary)> packet = Gen.OneOf(
            Gen.Select(Gen.Enum<EngineIOPacketType>(), Gen.String.Where(s => !s.Contains('\u001e', StringComparison.Ordinal) && Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s), (t, s) => (t, Encoding.UTF8.GetBytes(s), false)),
            Gen.Byte.Array[0, 50].Select(b => (EngineIOPacketType.Message, b, true)));
        packet.Array[1, 8].Sample(
            packets =>
            {
                var buffer = new ArrayBufferWriter<byte>();
                for (int i = 0; i < packets.Length; i++)
                {
                    EngineIOPayload.WritePacket(buffer, i == 0, packets[i].Type, packets[i].Data, packets[i].IsBinary);
                }

                ReadOnlyMemory<byte> payload = buffer.WrittenMemory;
                int index = 0;
                while (EngineIOPayload.TryReadPacket(ref payload, out EngineIOPayloadPacket read))
                {
                    (EngineIOPacketType type, byte[] data, bool isBinary) = packets[index++];
                    Assert.Equal(isBinary, read.IsBase64Binary);
                    Assert.Equal(type, read.Type);
                    Assert.Equal(data, isBinary ? EngineIOPayload.DecodeBase64(read.Data.Span) : read.Data.ToArray());
                }

                Assert.Equal(packets.Length, index);
            },
            iter: 20_000);
    }

    /// <summary>
    /// Decodes <paramref name="input"/> (and, when it announces attachments, up to three random ones); reads every argument
    /// of what decoded. Returns whether a packet came out; throws (fails the test) on any exception but the protocol one.
    /// </summary>
    private static bool DecodeWithOracle(SocketIOPacketDecoder decoder, byte[] input, Random random)
    {
        try
        {
            SocketIOPacket? packet = decoder.DecodeText(input);
            for (int i = 0; packet is null && decoder.HasPendingBinaryPacket && i < 3; i++)
            {
                packet = decoder.DecodeBinary(RandomBytes(random));
            }

            if (packet is null)
            {
                decoder.Reset();
                return false;
            }

            ReadWhole(packet);
            return true;
        }
        catch (SocketIOProtocolException)
        {
            decoder.Reset();
            return false;
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name} escaped the decoder for {Describe(input)}: {ex}");
        }
    }

    private static void ReadWhole(SocketIOPacket packet)
    {
        SocketIOArguments? arguments = packet.Type switch
        {
            SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent => SocketIOArguments.FromEvent(packet, out _),
            SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => SocketIOArguments.FromAck(packet),
            _ => null,
        };
        if (arguments is null)
        {
            return;
        }

        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments.IsBinary(i))
            {
                _ = arguments.GetBinary(i);
            }
            else
            {
                _ = arguments.GetRawJson(i);
                _ = arguments.GetElement(i).ValueKind;
            }
        }
    }

    private static void AssertStillDecodes(SocketIOPacketDecoder decoder)
    {
        SocketIOPacket? packet = decoder.DecodeText("2[\"ok\",1]"u8);
        Assert.NotNull(packet);
        Assert.Equal("ok", packet.EventName);
    }

    private static void ReadPayloadWithOracle(byte[] input)
    {
        try
        {
            ReadOnlyMemory<byte> payload = input;
            while (EngineIOPayload.TryReadPacket(ref payload, out EngineIOPayloadPacket packet))
            {
                if (packet.IsBase64Binary)
                {
                    _ = EngineIOPayload.DecodeBase64(packet.Data.Span);
                }
            }
        }
        catch (EngineIOProtocolException)
        {
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name} escaped the payload reader for {Describe(input)}: {ex}");
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(0, 24)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Describe(byte[] input) => $"[{input.Length} bytes] {Convert.ToHexString(input)} \"{Encoding.UTF8.GetString(input)}\"";
}
