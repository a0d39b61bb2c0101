using System.Buffers;
using System.Text;
using CsCheck;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// The lean transport's RFC 6455 codec against hostile and valid byte streams, fed in random chunk sizes as a network
/// delivers them. Oracle for hostile input: only <see cref="WebSocketFrameException"/> (the close code and reason the
/// connection ends with) may surface, a text message is valid UTF-8, no message crosses the size limit, and nothing is held
/// after a message is released. On valid streams (any fragmentation, masks, pings between fragments) the messages come out
/// exactly as sent.
/// </summary>
public sealed class WebSocketFrameFuzzTests
{
    private const int Inputs = 200_000;
    private const int MaxSize = 300;
    private const int MaxFragments = 8;

    private static readonly byte[][] Seeds =
    [
        WebSocketFrameTests.ClientFrame(1, "4hello"u8.ToArray()),
        WebSocketFrameTests.ClientFrame(2, [1, 2, 3, 4, 5]),
        [.. WebSocketFrameTests.ClientFrame(1, "42[\"a"u8.ToArray(), fin: false), .. WebSocketFrameTests.ClientFrame(9, "p"u8.ToArray()), .. WebSocketFrameTests.ClientFrame(0, "\"]"u8.ToArray())],
        WebSocketFrameTests.ClientFrame(8, [0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e']),
        WebSocketFrameTests.ClientFrame(10, []),
        WebSocketFrameTests.ClientFrame(1, Encoding.UTF8.GetBytes("4ünï ✓ 😀")),
        WebSocketFrameTests.ClientFrame(2, new byte[200]),
    ];

    [Fact]
    public void MutatedFrameStreams_OnlyFrameErrors()
    {
        var random = new Random(20261207);
        int messages = 0;
        for (int i = 0; i < Inputs; i++)
        {
            byte[] seed = Seeds[i % Seeds.Length];
            byte[] stream = i % 3 == 0 ? [.. seed, .. Seeds[random.Next(Seeds.Length)]] : seed;
            messages += ReadWithOracle(ByteMutator.Mutate(random, stream), random);
        }

        // Enough mutations stay valid for the paths past the header to be reached.
        Assert.True(messages > Inputs / 20, $"only {messages} messages came out of {Inputs} streams");
    }

    [Fact]
    public void RandomByteStreams_OnlyFrameErrors()
    {
        Gen.Byte.Array[0, 64].Sample(bytes => ReadWithOracle(bytes, new Random(bytes.Length)), iter: Inputs, print: Convert.ToHexString);
    }

    [Fact]
    public void ValidStreams_AnyFragmentationAndChunking_GiveTheMessagesAsSent()
    {
        Gen<(bool Binary, byte[] Data)> message = Gen.OneOf(
            Gen.String.Where(s => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s)) == s).Select(s => (false, Encoding.UTF8.GetBytes(s))),
            Gen.Byte.Array[0, 100].Select(b => (true, b)));
        Gen.Select(message.Array[1, 5], Gen.Int, (messages, seed) => (messages, seed)).Sample(
            t =>
            {
                var random = new Random(t.seed);
                var stream = new List<byte>();
                var expected = new List<string>();
                foreach ((bool binary, byte[] data) in t.messages)
                {
                    // Split into 1..4 fragments (any boundaries, UTF-8 sequences cut included), a ping after some.
                    int fragments = Math.Min(random.Next(1, 5), Math.Max(1, data.Length));
                    int offset = 0;
                    for (int f = 0; f < fragments; f++)
                    {
                        int length = f == fragments - 1 ? data.Length - offset : random.Next(0, data.Length - offset + 1);
                        stream.AddRange(Frame(random, f == 0 ? (binary ? 2 : 1) : 0, data.AsSpan(offset, length), fin: f == fragments - 1));
                        offset += length;
                        if (f == fragments - 1)
                        {
                            expected.Add((binary ? "Binary " : "Text ") + Convert.ToHexString(data));
                        }

                        if (random.Next(4) == 0)
                        {
                            stream.AddRange(Frame(random, 9, "ping"u8, fin: true));
                            expected.Add("Ping ping");
                        }
                    }
                }

                var found = new List<string>();
                Feed([.. stream], random, 1000, 100, (kind, assembler) => found.Add(kind switch
                {
                    WebSocketReadKind.Ping => "Ping " + Encoding.UTF8.GetString(assembler.PingPayload),
                    _ => kind + " " + Convert.ToHexString(assembler.Message.Span),
                }));
                Assert.Equal(expected, found);
            },
            iter: 20_000);
    }

    /// <summary>Feeds the stream in random chunks; returns how many messages came out before the end or a refusal.</summary>
    private static int ReadWithOracle(byte[] stream, Random random)
    {
        int messages = 0;
        try
        {
            Feed(stream, random, MaxSize, MaxFragments, (kind, assembler) =>
            {
                if (kind == WebSocketReadKind.Text)
                {
                    Assert.True(IsValidUtf8(assembler.Message.Span), "a text message that is not UTF-8 came out");
                }

                if (kind is WebSocketReadKind.Text or WebSocketReadKind.Binary)
                {
                    Assert.True(assembler.Message.Length <= MaxSize, "a message over the limit came out");
                    messages++;
                }
            });
        }
        catch (WebSocketFrameException)
        {
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name} escaped the codec for {Convert.ToHexString(stream)}: {ex}");
        }

        return messages;
    }

    private static void Feed(byte[] stream, Random random, int maxSize, int maxFragments, Action<WebSocketReadKind, WebSocketMessageAssembler> onRead)
    {
        using var assembler = new WebSocketMessageAssembler(maxSize, maxFragments);
        byte[] pending = [];
        int offset = 0;
        while (offset < stream.Length)
        {
            int chunk = Math.Min(stream.Length - offset, random.Next(1, 40));
            pending = [.. pending, .. stream.AsSpan(offset, chunk)];
            offset += chunk;
            var buffer = new ReadOnlySequence<byte>(pending);
            while (true)
            {
                WebSocketReadKind kind = assembler.Read(ref buffer);
                if (kind == WebSocketReadKind.None)
                {
                    break;
                }

                onRead(kind, assembler);
                assembler.ReleaseMessage();
                if (kind is WebSocketReadKind.Text or WebSocketReadKind.Binary)
                {
                    // (A control frame between fragments leaves the message being assembled in its buffer.)
                    Assert.False(assembler.HoldsBuffer, "a buffer is held after the message was released");
                }

                if (kind == WebSocketReadKind.Close)
                {
                    return;
                }
            }

            pending = buffer.ToArray();
        }
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>A client frame with a random mask.</summary>
    private static byte[] Frame(Random random, int opcode, ReadOnlySpan<byte> payload, bool fin)
    {
        byte[] mask = new byte[4];
        random.NextBytes(mask);
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        frame.AddRange(mask);
        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ mask[i & 3]));
        }

        return [.. frame];
    }
}
