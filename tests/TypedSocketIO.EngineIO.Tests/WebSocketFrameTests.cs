using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using TypedSocketIO.EngineIO.Internal;
using TypedSocketIO.EngineIO.Internal.WebSockets;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>The RFC 6455 codec of the lean Kestrel transport, fed bytes as a client (or a broken client) sends them.</summary>
public sealed class WebSocketFrameTests
{
    private static readonly byte[] Mask = [0x37, 0xFA, 0x21, 0x3D];

    /// <summary>A client frame: masked unless told otherwise, with the 7/16/64-bit length the payload needs.</summary>
    internal static byte[] ClientFrame(int opcode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            byte[] length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        if (masked)
        {
            frame.AddRange(Mask);
        }

        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add(masked ? (byte)(payload[i] ^ Mask[i & 3]) : payload[i]);
        }

        return [.. frame];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Close(int code, string reason = "")
    {
        byte[] payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    /// <summary>Feeds <paramref name="bytes"/> to an assembler in chunks of <paramref name="chunk"/> bytes, collecting what it reports.</summary>
    private static List<(WebSocketReadKind Kind, string Data)> ReadAll(byte[] bytes, int chunk = int.MaxValue, int maxSize = 1000, int maxFragments = 100)
    {
        using var assembler = new WebSocketMessageAssembler(maxSize, maxFragments);
        var found = new List<(WebSocketReadKind, string)>();
        byte[] pending = [];
        for (int offset = 0; offset < bytes.Length; offset += chunk)
        {
            pending = [.. pending, .. bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset))];
            var buffer = new ReadOnlySequence<byte>(pending);
            while (true)
            {
                WebSocketReadKind kind = assembler.Read(ref buffer);
                if (kind == WebSocketReadKind.None)
                {
                    break;
                }

                string data = kind switch
                {
                    WebSocketReadKind.Text => Encoding.UTF8.GetString(assembler.Message.Span),
                    WebSocketReadKind.Binary => Convert.ToHexString(assembler.Message.Span),
                    WebSocketReadKind.Ping => Encoding.UTF8.GetString(assembler.PingPayload),
                    WebSocketReadKind.Close => ((int)assembler.CloseStatus).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + assembler.CloseDescription,
                    _ => string.Empty,
                };
                found.Add((kind, data));
                assembler.ReleaseMessage();
                if (kind is WebSocketReadKind.Text or WebSocketReadKind.Binary)
                {
                    // Nothing is held between messages.
                    Assert.False(assembler.HoldsBuffer);
                }
            }

            pending = buffer.ToArray();
        }

        return found;
    }

    private static WebSocketFrameException Refused(byte[] bytes, int maxSize = 1000, int maxFragments = 100)
        => Assert.Throws<WebSocketFrameException>(() => ReadAll(bytes, maxSize: maxSize, maxFragments: maxFragments));

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(3)]
    public void Messages_WholeFragmentedAndInterleavedWithControlFrames_AtAnyChunking(int chunk)
    {
        byte[] bytes =
        [
            .. ClientFrame(1, Utf8("4héllo")),
            .. ClientFrame(2, [1, 2, 3]),
            .. ClientFrame(1, Utf8("4ab"), fin: false),
            .. ClientFrame(9, Utf8("are you there")),
            .. ClientFrame(0, [], fin: false),
            .. ClientFrame(0, Utf8("cd"), fin: true),
            .. ClientFrame(10, Utf8("unsolicited")),
            .. ClientFrame(1, Utf8(new string('x', 300))),
            .. ClientFrame(2, new byte[70_000]),
            .. ClientFrame(8, Close(1000, "bye")),
        ];

        List<(WebSocketReadKind Kind, string Data)> found = ReadAll(bytes, chunk, maxSize: 100_000);

        Assert.Equal(
            [
                (WebSocketReadKind.Text, "4héllo"),
                (WebSocketReadKind.Binary, "010203"),
                (WebSocketReadKind.Ping, "are you there"),
                (WebSocketReadKind.Text, "4abcd"),
                (WebSocketReadKind.Pong, string.Empty),
                (WebSocketReadKind.Text, new string('x', 300)),
                (WebSocketReadKind.Binary, new string('0', 140_000)),
                (WebSocketReadKind.Close, "1000 bye"),
            ],
            found);
    }

    [Fact]
    public void Utf8_SplitAcrossFragments_IsAccepted_AndInvalidUtf8Is1007()
    {
        byte[] e = Utf8("é");
        Assert.Equal((WebSocketReadKind.Text, "é"), Assert.Single(ReadAll([.. ClientFrame(1, [e[0]], fin: false), .. ClientFrame(0, [e[1]])])));

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Refused(ClientFrame(1, [0x34, 0xC3, 0x28])).CloseStatus);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Refused(ClientFrame(1, [0x34, 0xED, 0xA0, 0x80])).CloseStatus); // a UTF-16 surrogate
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Refused(ClientFrame(1, [0x34, 0xC3])).CloseStatus); // truncated at the end

        // Binary messages carry any bytes.
        Assert.Equal((WebSocketReadKind.Binary, "C328"), Assert.Single(ReadAll(ClientFrame(2, [0xC3, 0x28]))));
    }

    [Fact]
    public void BrokenFrames_Are1002()
    {
        Assert.Contains("unmasked", Refused(ClientFrame(1, Utf8("4x"), masked: false)).Message, StringComparison.Ordinal);
        Assert.Contains("reserved bits", Refused(ClientFrame(1, Utf8("4x"), rsv: 4)).Message, StringComparison.Ordinal); // RSV1: no permessage-deflate
        Assert.Contains("opcode 3", Refused(ClientFrame(3, [])).Message, StringComparison.Ordinal);
        Assert.Contains("opcode 11", Refused(ClientFrame(11, [])).Message, StringComparison.Ordinal);
        Assert.Contains("fragmented", Refused(ClientFrame(9, Utf8("x"), fin: false)).Message, StringComparison.Ordinal);
        Assert.Contains("125", Refused(ClientFrame(9, new byte[126])).Message, StringComparison.Ordinal);
        Assert.Contains("continuation", Refused(ClientFrame(0, Utf8("x"))).Message, StringComparison.Ordinal);
        Assert.Contains("before the previous", Refused([.. ClientFrame(1, Utf8("4a"), fin: false), .. ClientFrame(1, Utf8("4b"))]).Message, StringComparison.Ordinal);

        byte[] huge = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, .. Mask];
        Assert.Contains("most significant bit", Refused(huge).Message, StringComparison.Ordinal);

        foreach (WebSocketFrameException ex in new[] { Refused(ClientFrame(1, Utf8("4x"), masked: false)), Refused(ClientFrame(0, [])) })
        {
            Assert.Equal(WebSocketCloseStatus.ProtocolError, ex.CloseStatus);
        }
    }

    [Fact]
    public void CloseFrames_CodesAndReasonsAreChecked()
    {
        Assert.Equal((WebSocketReadKind.Close, "1005 "), Assert.Single(ReadAll(ClientFrame(8, []))));
        Assert.Equal((WebSocketReadKind.Close, "4000 "), Assert.Single(ReadAll(ClientFrame(8, Close(4000)))));
        Assert.Equal((WebSocketReadKind.Close, "1001 going"), Assert.Single(ReadAll(ClientFrame(8, Close(1001, "going")))));

        foreach (int code in new[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 })
        {
            WebSocketFrameException ex = Refused(ClientFrame(8, Close(code)));
            Assert.Equal(WebSocketCloseStatus.ProtocolError, ex.CloseStatus);
            Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(WebSocketCloseStatus.ProtocolError, Refused(ClientFrame(8, [0x03])).CloseStatus);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, Refused(ClientFrame(8, [0x03, 0xE8, 0xFF])).CloseStatus);
    }

    [Fact]
    public void Limits_SizeIs1009_FragmentsAre1008_AsSoonAsTheHeaderCrossesThem()
    {
        // Exactly the limit passes; one byte more is refused from the header alone, before any payload arrives.
        Assert.Single(ReadAll(ClientFrame(2, new byte[1000]), maxSize: 1000));
        byte[] header = ClientFrame(2, new byte[1001])[..8];
        WebSocketFrameException tooBig = Refused(header, maxSize: 1000);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, tooBig.CloseStatus);
        Assert.Equal("WebSocket message over EngineIOOptions.MaxHttpBufferSize (1000 bytes)", tooBig.Message);

        // Across fragments.
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, Refused([.. ClientFrame(1, new byte[600], fin: false), .. ClientFrame(0, new byte[401])], maxSize: 1000).CloseStatus);

        // Fragments, empty ones included (CVE-2026-48779).
        byte[] three = [.. ClientFrame(1, [], fin: false), .. ClientFrame(0, [], fin: false), .. ClientFrame(0, Utf8("4"))];
        Assert.Equal((WebSocketReadKind.Text, "4"), Assert.Single(ReadAll(three, maxFragments: 3)));
        byte[] four = [.. ClientFrame(1, [], fin: false), .. ClientFrame(0, [], fin: false), .. ClientFrame(0, [], fin: false), .. ClientFrame(0, Utf8("4"))];
        WebSocketFrameException tooMany = Refused(four, maxFragments: 3);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, tooMany.CloseStatus); // as ws 8.21 (CVE-2026-48779's fix)
        Assert.True(tooMany.IsLimit);
        Assert.Equal("WebSocket message in more than EngineIOOptions.MaxWebSocketFragments (3) fragments", tooMany.Message);
    }

    [Theory]
    [InlineData(0, -1, new byte[] { 0x81, 0x00 })]
    [InlineData(0, 0x34, new byte[] { 0x81, 0x01, (byte)'4' })]
    [InlineData(124, 0x34, new byte[] { 0x81, 125 })]
    [InlineData(125, 0x34, new byte[] { 0x81, 126, 0, 126 })]
    [InlineData(65_534, 0x34, new byte[] { 0x81, 126, 0xFF, 0xFF })]
    [InlineData(65_535, 0x34, new byte[] { 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0 })]
    public void Writer_ServerFramesAreUnmaskedWithTheShortestLength_AndThePrefixByteFirst(int payloadLength, int prefix, byte[] expectedStart)
    {
        byte[] payload = new byte[payloadLength];
        Random.Shared.NextBytes(payload);
        var writer = new ArrayBufferWriter<byte>(16);
        WebSocketFrames.WriteFrame(writer, WebSocketOpcode.Text, prefix, payload);

        byte[] written = writer.WrittenSpan.ToArray();
        int headerLength = expectedStart.Length - (payloadLength == 0 && prefix >= 0 ? 1 : 0);
        Assert.Equal(expectedStart[..headerLength], written[..headerLength]);
        int dataStart = headerLength + (prefix >= 0 ? 1 : 0);
        if (prefix >= 0)
        {
            Assert.Equal((byte)prefix, written[headerLength]);
        }

        Assert.Equal(payload, written[dataStart..]);
    }

    [Fact]
    public void Writer_CloseFrameCarriesTheCode()
    {
        var writer = new ArrayBufferWriter<byte>();
        WebSocketFrames.WriteClose(writer, WebSocketCloseStatus.MessageTooBig, "x"u8);
        Assert.Equal(new byte[] { 0x88, 3, 0x03, 0xF1, (byte)'x' }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Unmask_FromAnyKeyOffset_MatchesTheByteByByteDefinition()
    {
        byte[] data = new byte[101];
        Random.Shared.NextBytes(data);
        int key = BitConverter.ToInt32(Mask);
        for (int start = 0; start < 4; start++)
        {
            for (int split = 0; split <= data.Length; split += 7)
            {
                byte[] actual = (byte[])data.Clone();
                int next = WebSocketFrames.Unmask(actual.AsSpan(0, split), key, start);
                WebSocketFrames.Unmask(actual.AsSpan(split), key, next);
                for (int i = 0; i < data.Length; i++)
                {
                    Assert.Equal((byte)(data[i] ^ Mask[(start + i) & 3]), actual[i]);
                }
            }
        }
    }

    [Fact]
    public void RequestHead_OnlyCleanWebSocketGetsAreTaken()
    {
        static WebSocketRequestHead? Parse(string head) => WebSocketRequestHead.TryParse(Encoding.Latin1.GetBytes(head));
        const string Upgrade = "Host: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

        WebSocketRequestHead head = Parse("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\n" + Upgrade)!;
        Assert.True(head.IsWebSocketUpgrade);
        Assert.Equal("/engine.io/", head.Path);
        Assert.Equal("?EIO=4&transport=websocket", head.QueryString);
        Assert.Equal("a", head.Headers.Host);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", PipeWebSocketFeature.ComputeAccept(head.Headers.SecWebSocketKey!)); // RFC 6455 §1.3

        Assert.Null(Parse("POST /engine.io/ HTTP/1.1\r\n" + Upgrade));
        Assert.Null(Parse("GET /engine.io/ HTTP/1.0\r\n" + Upgrade));
        Assert.Null(Parse("GET /engine%2Eio/ HTTP/1.1\r\n" + Upgrade));
        Assert.Null(Parse("GET /engine.io/ HTTP/1.1\r\nX: a\r\n folded\r\n" + Upgrade));
        Assert.Null(Parse("GET /engine.io/ HTTP/1.1\r\nContent-Length: 0\r\n" + Upgrade));
        Assert.Null(Parse("GET /engine.io/ HTTP/1.1\r\nHost: b\r\n" + Upgrade));
        Assert.False(Parse("GET /engine.io/ HTTP/1.1\r\n" + Upgrade.Replace("13", "8", StringComparison.Ordinal))!.IsWebSocketUpgrade);
        Assert.False(Parse("GET /engine.io/ HTTP/1.1\r\n" + Upgrade.Replace("dGhlIHNhbXBsZSBub25jZQ==", "short", StringComparison.Ordinal))!.IsWebSocketUpgrade);
        Assert.False(Parse("GET /engine.io/ HTTP/1.1\r\n" + Upgrade.Replace("keep-alive, Upgrade", "keep-alive", StringComparison.Ordinal))!.IsWebSocketUpgrade);

        Assert.True(WebSocketRequestHead.CannotBeGet(new ReadOnlySequence<byte>([0x16, 0x03, 0x01]))); // a TLS ClientHello
        Assert.True(WebSocketRequestHead.CannotBeGet(new ReadOnlySequence<byte>("PRI * HTTP/2.0"u8.ToArray())));
        Assert.False(WebSocketRequestHead.CannotBeGet(new ReadOnlySequence<byte>("GE"u8.ToArray())));
        Assert.Equal(-1, WebSocketRequestHead.FindEnd(new ReadOnlySequence<byte>("GET / HTTP/1.1\r\nHost: a\r\n"u8.ToArray()), 100));
        Assert.Equal(-2, WebSocketRequestHead.FindEnd(new ReadOnlySequence<byte>(new byte[100]), 100));
    }

    /// <summary>A <see cref="PipeWebSocket"/> over in-memory pipes: what the client sends in, what the server writes out.</summary>
    private sealed class PipePair : IAsyncDisposable
    {
        public Pipe ToServer { get; } = new();

        public Pipe ToClient { get; } = new();

        public PipeWebSocket Socket { get; }

        public PipePair(int maxSize = 1000, int maxFragments = 100)
        {
            var context = new DefaultConnectionContext("test", new DuplexPipe(ToServer.Reader, ToClient.Writer), new DuplexPipe(ToClient.Reader, ToServer.Writer));
            Socket = new PipeWebSocket(context, maxSize, maxFragments);
        }

        public async Task SendAsync(byte[] bytes)
        {
            await ToServer.Writer.WriteAsync(bytes);
        }

        public async Task<byte[]> ReadServerBytesAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                ReadResult result = await ToClient.Reader.ReadAsync(timeout.Token);
                if (result.Buffer.Length >= count || result.IsCompleted)
                {
                    byte[] bytes = result.Buffer.Slice(0, Math.Min(count, result.Buffer.Length)).ToArray();
                    ToClient.Reader.AdvanceTo(result.Buffer.GetPosition(bytes.Length));
                    return bytes;
                }

                ToClient.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }

        public ValueTask DisposeAsync()
        {
            Socket.Dispose();
            return ValueTask.CompletedTask;
        }

        private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
        {
            public PipeReader Input { get; } = input;

            public PipeWriter Output { get; } = output;
        }
    }

    [Fact]
    public async Task PipeWebSocket_AnswersPings_ReleasesBuffers_AndAnswersTheCloseHandshake()
    {
        await using var pair = new PipePair();
        await pair.SendAsync([.. ClientFrame(9, Utf8("hi")), .. ClientFrame(1, Utf8("4a"))]);
        WebSocketMessage message = await pair.Socket.ReceiveMessageAsync(CancellationToken.None);
        Assert.Equal("4a", Encoding.UTF8.GetString(message.Data.Span));
        Assert.Equal(new byte[] { 0x8A, 2, (byte)'h', (byte)'i' }, await pair.ReadServerBytesAsync(4));
        pair.Socket.ReleaseMessage();
        Assert.False(pair.Socket.HoldsBuffer);

        await pair.Socket.WriteAndFlushAsync(static (w, _) =>
        {
            WebSocketFrames.WriteFrame(w, WebSocketOpcode.Text, '4', "x"u8);
            WebSocketFrames.WriteFrame(w, WebSocketOpcode.Binary, -1, [7]);
        }, 0, CancellationToken.None);
        Assert.Equal(new byte[] { 0x81, 2, (byte)'4', (byte)'x', 0x82, 1, 7 }, await pair.ReadServerBytesAsync(7));

        await pair.SendAsync(ClientFrame(8, Close(1001)));
        Assert.True((await pair.Socket.ReceiveMessageAsync(CancellationToken.None)).IsClose);
        Assert.Equal(WebSocketState.CloseReceived, pair.Socket.State);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, pair.Socket.CloseStatus);
        await pair.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        Assert.Equal(new byte[] { 0x88, 2, 0x03, 0xE8 }, await pair.ReadServerBytesAsync(100));
        Assert.Equal(WebSocketState.Closed, pair.Socket.State);
    }

    [Fact]
    public async Task PipeWebSocket_BrokenFrameOrLimit_ClosesWithItsCode_ThenFails()
    {
        await using (var pair = new PipePair())
        {
            await pair.SendAsync(ClientFrame(1, Utf8("4x"), masked: false));
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(async () => await pair.Socket.ReceiveMessageAsync(CancellationToken.None));
            Assert.Contains("unmasked", ex.Message, StringComparison.Ordinal);
            Assert.Equal(new byte[] { 0x88, 2, 0x03, 0xEA }, await pair.ReadServerBytesAsync(4));
        }

        await using (var pair = new PipePair(maxSize: 16))
        {
            await pair.SendAsync(ClientFrame(2, new byte[17])[..6]);
            await Assert.ThrowsAsync<EngineIOLimitExceededException>(async () => await pair.Socket.ReceiveMessageAsync(CancellationToken.None));
            Assert.Equal(new byte[] { 0x88, 2, 0x03, 0xF1 }, await pair.ReadServerBytesAsync(4));
        }

        await using (var pair = new PipePair())
        {
            await pair.SendAsync(ClientFrame(1, Utf8("4x"))[..3]);
            await pair.ToServer.Writer.CompleteAsync();
            WebSocketException ex = await Assert.ThrowsAsync<WebSocketException>(async () => await pair.Socket.ReceiveMessageAsync(CancellationToken.None));
            Assert.Equal(WebSocketError.ConnectionClosedPrematurely, ex.WebSocketErrorCode);
        }
    }
}
