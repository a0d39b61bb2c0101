using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// A TCP connection to the server that writes HTTP requests and WebSocket frames byte by byte, as a hostile peer can: bad
/// RSV bits, reserved opcodes, unmasked frames, oversized lengths, thousands of fragments, a reset instead of a close.
/// </summary>
public sealed class RawTcp : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    /// <summary>The id of the socket on <c>/</c> once connected (<see cref="OpenConnectedWebSocketAsync"/>).</summary>
    public string? SocketId { get; private set; }

    private RawTcp(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawTcp> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var timeout = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        return new RawTcp(tcp);
    }

    /// <summary>The head of a WebSocket handshake request for <paramref name="pathAndQuery"/>, with <paramref name="extraHeaders"/> (each ending with CRLF).</summary>
    public static string WebSocketRequest(Uri server, string pathAndQuery, string extraHeaders = "") =>
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";

    /// <summary>Opens a WebSocket Engine.IO session over raw TCP and reads its open packet; returns the connection.</summary>
    public static async Task<RawTcp> OpenWebSocketAsync(Uri server, string query = "", string extraHeaders = "")
    {
        RawTcp raw = await ConnectAsync(server);
        await raw.WriteAsync(WebSocketRequest(server, "/socket.io/?EIO=4&transport=websocket" + query, extraHeaders));
        string head = await raw.ReadHeadAsync();
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            await raw.DisposeAsync();
            throw new InvalidOperationException("no 101: " + head);
        }

        var open = await raw.ReadFrameAsync();
        if (open is not { Opcode: 1 } || !Encoding.UTF8.GetString(open.Value.Payload).StartsWith('0'))
        {
            await raw.DisposeAsync();
            throw new InvalidOperationException("no open packet");
        }

        return raw;
    }

    /// <summary>Opens a raw WebSocket session and connects it to <c>/</c>.</summary>
    public static async Task<RawTcp> OpenConnectedWebSocketAsync(Uri server)
    {
        RawTcp raw = await OpenWebSocketAsync(server);
        await raw.SendFrameAsync(1, "40"u8.ToArray());
        var answer = await raw.ReadFrameAsync();
        if (answer is not { Opcode: 1 } || !Encoding.UTF8.GetString(answer.Value.Payload).StartsWith("40{", StringComparison.Ordinal))
        {
            await raw.DisposeAsync();
            throw new InvalidOperationException("CONNECT not accepted");
        }

        string connect = Encoding.UTF8.GetString(answer.Value.Payload);
        raw.SocketId = System.Text.Json.JsonDocument.Parse(connect[2..]).RootElement.GetProperty("sid").GetString();

        return raw;
    }

    public async Task WriteAsync(string text) => await WriteAsync(Encoding.ASCII.GetBytes(text));

    public async Task WriteAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await _stream.WriteAsync(bytes, timeout.Token);
        }
        catch (IOException)
        {
            // the server closed: what the case reads next says so
        }
    }

    /// <summary>Reads an HTTP response head (up to the blank line); what follows stays for the frame reader. Empty when the server closed first.</summary>
    public async Task<string> ReadHeadAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? Timeout);
        while (true)
        {
            int end = IndexOfHeadEnd();
            if (end >= 0)
            {
                string head = Encoding.ASCII.GetString([.. _pending.GetRange(0, end)]);
                _pending.RemoveRange(0, end + 4);
                return head;
            }

            if (!await FillAsync(timeout.Token))
            {
                return Encoding.ASCII.GetString([.. _pending]);
            }
        }
    }

    /// <summary>The status line's code of a response head (<c>HTTP/1.1 400 Bad Request</c> → <c>400</c>), or <c>eof</c>.</summary>
    public static string Status(string head) => head.Length >= 12 ? head[9..12] : "eof";

    /// <summary>Reads an HTTP response: <c>http {status} {body}</c> (the body by Content-Length), or <c>eof</c> when the server closed without one.</summary>
    public async Task<string> ReadResponseAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await ReadResponseCoreAsync(timeout ?? Timeout);
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }

    private async Task<string> ReadResponseCoreAsync(TimeSpan timeout)
    {
        string head = await ReadHeadAsync(timeout);
        if (head.Length < 12)
        {
            return "eof";
        }

        int length = 0;
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        using var bodyTimeout = new CancellationTokenSource(timeout);
        while (_pending.Count < length && await FillAsync(bodyTimeout.Token))
        {
        }

        string body = Encoding.UTF8.GetString([.. _pending.GetRange(0, Math.Min(length, _pending.Count))]);
        return $"http {Status(head)} {body}".TrimEnd();
    }

    /// <summary>Writes one frame (masked unless told otherwise) with the given FIN, RSV bits and opcode.</summary>
    public Task SendFrameAsync(int opcode, byte[] payload, bool fin = true, int rsv = 0, bool masked = true, long? declaredLength = null) =>
        WriteAsync(Frame(opcode, payload, fin, rsv, masked, declaredLength));

    /// <summary>The bytes of one client frame.</summary>
    public static byte[] Frame(int opcode, byte[] payload, bool fin = true, int rsv = 0, bool masked = true, long? declaredLength = null)
    {
        long length = declaredLength ?? payload.Length;
        var frame = new List<byte>(payload.Length + 14) { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
        byte maskBit = masked ? (byte)0x80 : (byte)0;
        if (length < 126)
        {
            frame.Add((byte)(maskBit | length));
        }
        else if (length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(length >> 8));
            frame.Add((byte)length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, length);
            frame.AddRange(bytes);
        }

        byte[] key = masked ? RandomNumberGenerator.GetBytes(4) : [];
        frame.AddRange(key);
        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add(masked ? (byte)(payload[i] ^ key[i % 4]) : payload[i]);
        }

        return [.. frame];
    }

    /// <summary>Reads the next server frame, or <see langword="null"/> at the end of the stream (or when the connection was reset).</summary>
    public async Task<(int Opcode, byte[] Payload)?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (_pending.Count >= 2)
            {
                int opcode = _pending[0] & 0x0F;
                long length = _pending[1] & 0x7F;
                int header = 2;
                if (length == 126 && _pending.Count >= 4)
                {
                    length = (_pending[2] << 8) | _pending[3];
                    header = 4;
                }
                else if (length == 127 && _pending.Count >= 10)
                {
                    length = BinaryPrimitives.ReadInt64BigEndian([.. _pending.GetRange(2, 8)]);
                    header = 10;
                }

                if (length < 126 || header > 2)
                {
                    if (_pending.Count >= header + length)
                    {
                        byte[] payload = [.. _pending.GetRange(header, (int)length)];
                        _pending.RemoveRange(0, header + (int)length);
                        return (opcode, payload);
                    }
                }
            }

            if (!await FillAsync(timeout.Token))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Reads frames until the server closes: <c>ws close {code}</c> when it sent a close frame, <c>eof</c> when the connection
    /// ended without one; pings of Engine.IO are answered on the way.
    /// </summary>
    public async Task<string> ReadUntilClosedAsync()
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame is null)
                {
                    return "eof";
                }

                if (frame.Value.Opcode == 8)
                {
                    return frame.Value.Payload.Length >= 2
                        ? "ws close " + BinaryPrimitives.ReadUInt16BigEndian(frame.Value.Payload).ToString(CultureInfo.InvariantCulture)
                        : "ws close";
                }

                if (frame.Value.Opcode == 1 && frame.Value.Payload is [(byte)'2'])
                {
                    await SendFrameAsync(1, "3"u8.ToArray());
                }
            }
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }

    /// <summary>Sends an <c>echo</c> with an acknowledgement on <c>/</c>: <c>open</c> when answered, else how the server closed.</summary>
    public async Task<string> ProbeAsync()
    {
        await SendFrameAsync(1, Encoding.UTF8.GetBytes($"42{HostileSession.ProbeAckId}[\"echo\",\"probe\"]"));
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame is null)
                {
                    return "eof";
                }

                if (frame.Value.Opcode == 8)
                {
                    return frame.Value.Payload.Length >= 2
                        ? "ws close " + BinaryPrimitives.ReadUInt16BigEndian(frame.Value.Payload).ToString(CultureInfo.InvariantCulture)
                        : "ws close";
                }

                if (frame.Value.Opcode == 1 && Encoding.UTF8.GetString(frame.Value.Payload) == $"43{HostileSession.ProbeAckId}[\"probe\"]")
                {
                    return "open";
                }
            }
        }
        catch (OperationCanceledException)
        {
            return "no answer";
        }
    }

    /// <summary>Resets the connection (RST instead of FIN).</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    private int IndexOfHeadEnd()
    {
        for (int i = 0; i + 3 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            read = await _stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        _pending.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
