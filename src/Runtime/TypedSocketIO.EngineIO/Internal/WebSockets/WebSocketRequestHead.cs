using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>
/// The head of an HTTP/1.1 request that may be a WebSocket handshake, parsed from bytes peeked on a connection. Only clean,
/// ordinary heads are taken (<c>GET</c>, origin-form target, HTTP/1.1, <c>Name: value</c> lines of visible ASCII, no body);
/// anything else is left to Kestrel's HTTP parser, which knows how to answer it.
/// </summary>
internal sealed class WebSocketRequestHead
{
    private WebSocketRequestHead(string path, string queryString, string rawTarget, IHeaderDictionary headers, int length)
    {
        Path = path;
        QueryString = queryString;
        RawTarget = rawTarget;
        Headers = headers;
        Length = length;
    }

    /// <summary>The path, without the query string.</summary>
    public string Path { get; }

    /// <summary>The query string with its <c>?</c>, or empty.</summary>
    public string QueryString { get; }

    /// <summary>The request target as sent.</summary>
    public string RawTarget { get; }

    public IHeaderDictionary Headers { get; }

    /// <summary>The bytes of the head, the blank line included.</summary>
    public int Length { get; }

    /// <summary>A copy of the head's bytes (set when the lean transport takes the request): its handshake parses them again on demand.</summary>
    public byte[]? Bytes { get; set; }

    /// <summary>Whether the bytes so far cannot start a <c>GET</c> request (so that waiting for more is useless).</summary>
    public static bool CannotBeGet(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> get = "GET /"u8;
        Span<byte> start = stackalloc byte[5];
        int count = (int)Math.Min(buffer.Length, 5);
        buffer.Slice(0, count).CopyTo(start);
        return !get.StartsWith(start[..count]);
    }

    /// <summary>
    /// Finds the end of the head in <paramref name="buffer"/> (at most <paramref name="maxLength"/> bytes).
    /// Returns -1 when it is not there yet, -2 when it is longer than allowed.
    /// </summary>
    public static int FindEnd(in ReadOnlySequence<byte> buffer, int maxLength)
    {
        ReadOnlySequence<byte> window = buffer.Length > maxLength ? buffer.Slice(0, maxLength) : buffer;
        var reader = new SequenceReader<byte>(window);
        Span<byte> last = stackalloc byte[4];
        while (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            // "\r\n\r\n": the line just ended is empty.
            if (reader.Consumed >= 4)
            {
                window.Slice(reader.Consumed - 4, 4).CopyTo(last);
                if (last.SequenceEqual("\r\n\r\n"u8))
                {
                    return (int)reader.Consumed;
                }
            }
        }

        return buffer.Length >= maxLength ? -2 : -1;
    }

    /// <summary>Parses a whole head (blank line included); <see langword="null"/> when it is not a clean HTTP/1.1 GET.</summary>
    public static WebSocketRequestHead? TryParse(ReadOnlySpan<byte> head)
    {
        int length = head.Length;
        int lineEnd = head.IndexOf("\r\n"u8);
        ReadOnlySpan<byte> requestLine = head[..lineEnd];
        if (!requestLine.StartsWith("GET /"u8) || !requestLine.EndsWith(" HTTP/1.1"u8))
        {
            return null;
        }

        ReadOnlySpan<byte> target = requestLine[4..^9];
        foreach (byte b in target)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                return null;
            }
        }

        int question = target.IndexOf((byte)'?');
        ReadOnlySpan<byte> path = question < 0 ? target : target[..question];
        if (path.Contains((byte)'%'))
        {
            // Encoded paths are left to Kestrel's decoding and routing.
            return null;
        }

        IHeaderDictionary? headers = TryParseHeaders(head);
        if (headers is null)
        {
            return null;
        }

        // A body on a GET, or a second Host, is for Kestrel's rules to judge.
        if (headers.ContainsKey("Content-Length") || headers.ContainsKey("Transfer-Encoding") || headers.Host.Count != 1)
        {
            return null;
        }

        string rawTarget = Encoding.ASCII.GetString(target);
        return new WebSocketRequestHead(
            question < 0 ? rawTarget : rawTarget[..question],
            question < 0 ? string.Empty : rawTarget[question..],
            rawTarget,
            headers,
            length);
    }

    /// <summary>
    /// The header fields of a whole head (request line and blank line included), as <see cref="TryParse"/> reads them;
    /// <see langword="null"/> when a line is malformed. An accepted session's handshake keeps the head's bytes and parses them
    /// again here when its headers are first asked for (so that an idle connection does not hold them parsed).
    /// </summary>
    public static HeaderDictionary? TryParseHeaders(ReadOnlySpan<byte> head)
    {
        int lineEnd = head.IndexOf("\r\n"u8);
        var headers = new HeaderDictionary();
        ReadOnlySpan<byte> rest = head[(lineEnd + 2)..^2];
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf("\r\n"u8);
            ReadOnlySpan<byte> line = rest[..end];
            rest = rest[(end + 2)..];
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return null;
            }

            ReadOnlySpan<byte> name = line[..colon];
            foreach (byte b in name)
            {
                if (b <= 0x20 || b >= 0x7F)
                {
                    // Also refuses obsolete line folding (a line starting with a space) and spaces before the colon.
                    return null;
                }
            }

            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
            foreach (byte b in value)
            {
                if ((b < 0x20 && b != '\t') || b == 0x7F)
                {
                    return null;
                }
            }

            string headerName = Encoding.ASCII.GetString(name);
            string headerValue = Encoding.Latin1.GetString(value);
            if (headers.TryGetValue(headerName, out Microsoft.Extensions.Primitives.StringValues existing))
            {
                headers[headerName] = Microsoft.Extensions.Primitives.StringValues.Concat(existing, headerValue);
            }
            else
            {
                headers[headerName] = headerValue;
            }
        }

        return headers;
    }

    /// <summary>Whether the headers ask for a WebSocket (RFC 6455 §4.2.1) in version 13 with a well-formed key.</summary>
    public bool IsWebSocketUpgrade
    {
        get
        {
            return HasToken(Headers.Upgrade, "websocket")
                && HasToken(Headers.Connection, "upgrade")
                && Headers.SecWebSocketVersion == "13"
                && Headers.SecWebSocketKey.Count == 1
                && IsValidKey(Headers.SecWebSocketKey.ToString());
        }
    }

    private static bool HasToken(Microsoft.Extensions.Primitives.StringValues values, string token)
    {
        foreach (string? value in values)
        {
            foreach (Range range in value.AsSpan().Split(','))
            {
                if (value.AsSpan()[range].Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsValidKey(string key)
    {
        Span<byte> decoded = stackalloc byte[24];
        return key.Length == 24 && Convert.TryFromBase64String(key, decoded, out int written) && written == 16;
    }
}
