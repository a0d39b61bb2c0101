using System.Buffers;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using TypedSocketIO.EngineIO.Internal.WebSockets;
using TypedSocketIO.Testing;

namespace TypedSocketIO.EngineIO.Tests;

/// <summary>
/// The lean Kestrel transport's request-head parser (the only code of ours that reads a handshake's request line, headers and
/// Engine.IO query — <c>EIO</c>, <c>transport</c>, <c>sid</c>, <c>t</c> — from raw bytes) against hostile input, 200 000
/// inputs each: fixed-seed mutations of valid handshakes and random bytes from CsCheck, delivered as the middleware does
/// (<see cref="WebSocketRequestHead.CannotBeGet"/>, <see cref="WebSocketRequestHead.FindEnd"/>, then
/// <see cref="WebSocketRequestHead.TryParse"/> on the head found). The oracle: no exception at all — a head is either parsed
/// or refused (<see langword="null"/>, left to Kestrel) — and a parsed head is consistent: its path and query string make
/// its target, its length is the head's, its query values can be read as the server reads them.
/// </summary>
public sealed class WebSocketRequestHeadFuzzTests
{
    private const int Inputs = 200_000;
    private const int MaxHeadLength = 512;

    private static readonly byte[][] Seeds =
    [
        .. new[]
        {
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            "GET /socket.io/?EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAAAAAA&t=PaB1cD2 HTTP/1.1\r\nHost: localhost\r\n" +
                "upgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nsec-websocket-key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n" +
                "sec-websocket-version: 13\r\nOrigin: http://127.0.0.1\r\nCookie: io=x; a=b\r\n\r\n",
            "GET /chat/?EIO=4&transport=websocket&token=%C3%A9%20x+y HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n" +
                "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: \t10.0.0.1 \r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /socket.io/?EIO=3&transport=polling&j=0&b64=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
        }.Select(Encoding.Latin1.GetBytes),
    ];

    /// <summary>Bytes that matter to the grammar: line ends, separators, query syntax, controls and non-ASCII.</summary>
    private static readonly byte[] Interesting =
        "\r\n: \t?&=%/+,;GET HTTP/1.1EIO4transportsidt"u8.ToArray().Concat(new byte[] { 0x00, 0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xFF }).ToArray();

    [Fact]
    public void ValidHandshakes_ParseToTheirParts()
    {
        WebSocketRequestHead head = Parse(Seeds[1])!;
        Assert.Equal("/socket.io/", head.Path);
        Assert.Equal("?EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAAAAAA&t=PaB1cD2", head.QueryString);
        Assert.Equal(Seeds[1].Length, head.Length);
        Assert.True(head.IsWebSocketUpgrade);
        IQueryCollection query = Query(head);
        Assert.Equal("4", query["EIO"]);
        Assert.Equal("websocket", query["transport"]);
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAAAA", query["sid"]);
        Assert.Equal("PaB1cD2", query["t"]);
        Assert.Equal("keep-alive, Upgrade", head.Headers.Connection);

        head = Parse(Seeds[2])!;
        Assert.Equal("/chat/", head.Path);
        Assert.Equal("é x y", Query(head)["token"]);
        Assert.Equal("10.0.0.1", head.Headers["X-Forwarded-For"]);

        // Not a WebSocket upgrade, but a clean GET: parsed, then left to Kestrel by the middleware.
        Assert.False(Parse(Seeds[3])!.IsWebSocketUpgrade);
        Assert.Null(Parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray()));
        Assert.Null(Parse("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n"u8.ToArray()));
        Assert.Null(Parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"u8.ToArray()));
    }

    [Fact]
    public void MutatedHandshakes_ParsedOrRefused_NeverAnException()
    {
        var random = new Random(20261207);
        int parsed = 0;
        for (int i = 0; i < Inputs; i++)
        {
            if (ReadWithOracle(ByteMutator.Mutate(random, Seeds[i % Seeds.Length], Interesting)))
            {
                parsed++;
            }
        }

        // Enough mutations stay valid for the header and query paths to be reached.
        Assert.InRange(parsed, Inputs / 20, Inputs - 1);
    }

    [Fact]
    public void RandomHeads_ParsedOrRefused_NeverAnException()
    {
        Gen<byte[]> bytes = Gen.OneOf(
            Gen.Byte.Array[0, 64],
            Gen.OneOf(Interesting).Array[0, 64].Select(tail => "GET /"u8.ToArray().Concat(tail).Concat("\r\n\r\n"u8.ToArray()).ToArray()),
            Gen.OneOf(Interesting).Array[0, 48].Select(tail => "GET /?"u8.ToArray().Concat(tail).Concat(" HTTP/1.1\r\nHost: h\r\n\r\n"u8.ToArray()).ToArray()),
            Gen.OneOf(Interesting).Array[0, 48].Select(tail => "GET / HTTP/1.1\r\nHost: h\r\n"u8.ToArray().Concat(tail).Concat("\r\n\r\n"u8.ToArray()).ToArray()));
        // A statement lambda: CsCheck counts a predicate's false as a failure, and a refusal is not one.
        bytes.Sample(input => { ReadWithOracle(input); }, iter: Inputs, print: Convert.ToHexString);
    }

    /// <summary>Reads one input as the middleware does; true when a head was parsed. Any exception fails the test.</summary>
    private static bool ReadWithOracle(byte[] input)
    {
        // Delivered in two segments, as a pipe may hand it over.
        ReadOnlySequence<byte> buffer = TwoSegments(input, input.Length / 2);
        if (buffer.IsEmpty || WebSocketRequestHead.CannotBeGet(buffer))
        {
            return false;
        }

        int end = WebSocketRequestHead.FindEnd(buffer, MaxHeadLength);
        Assert.True(end is -1 or -2 || (end >= 4 && end <= Math.Min(input.Length, MaxHeadLength)), $"end {end}");
        if (end <= 0)
        {
            return false;
        }

        WebSocketRequestHead? head = WebSocketRequestHead.TryParse(input.AsSpan(0, end));
        if (head is null)
        {
            return false;
        }

        Assert.Equal(end, head.Length);
        Assert.Equal(head.RawTarget, head.Path + head.QueryString);
        Assert.StartsWith("/", head.Path, StringComparison.Ordinal);
        Assert.True(head.QueryString.Length == 0 || head.QueryString[0] == '?');
        _ = head.IsWebSocketUpgrade;
        IQueryCollection query = Query(head);
        foreach (string name in new[] { "EIO", "transport", "sid", "t" })
        {
            _ = (string?)query[name];
        }

        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> pair in query)
        {
            _ = pair.Value.ToString();
        }

        return true;
    }

    private static WebSocketRequestHead? Parse(byte[] input)
    {
        int end = WebSocketRequestHead.FindEnd(new ReadOnlySequence<byte>(input), MaxHeadLength);
        Assert.Equal(input.Length, end);
        return WebSocketRequestHead.TryParse(input);
    }

    /// <summary>The query as the server reads it from the request the middleware builds from the head.</summary>
    private static IQueryCollection Query(WebSocketRequestHead head)
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Path = head.Path, QueryString = head.QueryString, RawTarget = head.RawTarget, Headers = head.Headers });
        return new DefaultHttpContext(features).Request.Query;
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        if (split == 0 || split == bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, split), 0);
        Segment last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
