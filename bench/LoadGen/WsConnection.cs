using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadGen;

/// <summary>The kinds of WebSocket frames the load generator handles.</summary>
internal enum WsOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

/// <summary>One received message: its opcode and payload (valid until the next receive on the same connection).</summary>
internal readonly record struct WsMessage(WsOpcode Opcode, ReadOnlyMemory<byte> Payload);

/// <summary>
/// A lean client WebSocket (RFC 6455) on a raw <see cref="Socket"/>: one upgrade request, frames masked with the key 0
/// (allowed by the RFC; the payload needs no transform), a receive buffer that is given back to the pool while the
/// connection is idle when <c>lowMemory</c> is set (a zero-byte receive waits for data), and sends serialized by a
/// semaphore so two frames are never interleaved.
/// </summary>
internal sealed class WsConnection : IDisposable
{
    private const int InitialBuffer = 16 * 1024;
    private const int MaxMessage = 16 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly bool _lowMemory;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private byte[]? _fragments;
    private int _fragmentLength;
    private WsOpcode _fragmentOpcode;
    private bool _disposed;

    private WsConnection(Socket socket, bool lowMemory)
    {
        _socket = socket;
        _lowMemory = lowMemory;
    }

    /// <summary>Opens a TCP connection (from <paramref name="localAddress"/> when given) and upgrades it to a WebSocket.</summary>
    public static async Task<WsConnection> ConnectAsync(
        IPEndPoint server, IPAddress? localAddress, string pathAndQuery, bool lowMemory, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (localAddress is not null)
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
            }

            await socket.ConnectAsync(server, cancellationToken);
            var connection = new WsConnection(socket, lowMemory);
            await connection.UpgradeAsync(server, pathAndQuery, cancellationToken);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task UpgradeAsync(IPEndPoint server, string pathAndQuery, CancellationToken cancellationToken)
    {
        // A fixed key: the server's Sec-WebSocket-Accept is not checked (loopback, our own servers under test).
        string request =
            $"GET {pathAndQuery} HTTP/1.1\r\nHost: {server}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        byte[] bytes = Encoding.ASCII.GetBytes(request);
        await SendAllAsync(bytes, cancellationToken);

        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        while (true)
        {
            int headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (headerEnd >= 0)
            {
                ReadOnlySpan<byte> status = _buffer.AsSpan(0, Math.Min(headerEnd, 64));
                if (!status.StartsWith("HTTP/1.1 101"u8))
                {
                    string text = Encoding.ASCII.GetString(_buffer, 0, Math.Min(headerEnd, 200));
                    throw new IOException($"WebSocket upgrade refused: {text}");
                }

                _start = headerEnd + 4;
                ReleaseBufferIfIdle();
                return;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("WebSocket upgrade response too long.");
            }

            int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("Connection closed during the WebSocket upgrade.");
            }

            _end += read;
        }
    }

    /// <summary>Receives the next text or binary message; answers pings, returns a Close as a message.</summary>
    public async ValueTask<WsMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryReadFrame(out WsOpcode opcode, out bool fin, out int payloadStart, out int payloadLength))
            {
                var payload = new ReadOnlyMemory<byte>(_buffer, payloadStart, payloadLength);
                switch (opcode)
                {
                    case WsOpcode.Ping:
                        await SendFrameAsync(WsOpcode.Pong, payload.ToArray(), cancellationToken);
                        continue;
                    case WsOpcode.Pong:
                        continue;
                    case WsOpcode.Close:
                        return new WsMessage(WsOpcode.Close, payload);
                    case WsOpcode.Continuation:
                        AppendFragment(payload.Span);
                        if (!fin)
                        {
                            continue;
                        }

                        var whole = new WsMessage(_fragmentOpcode, new ReadOnlyMemory<byte>(_fragments, 0, _fragmentLength));
                        _fragmentLength = 0;
                        return whole;
                    default:
                        if (!fin)
                        {
                            _fragmentOpcode = opcode;
                            _fragmentLength = 0;
                            AppendFragment(payload.Span);
                            continue;
                        }

                        return new WsMessage(opcode, payload);
                }
            }

            await FillAsync(cancellationToken);
        }
    }

    private void AppendFragment(ReadOnlySpan<byte> payload)
    {
        if (_fragmentLength + payload.Length > MaxMessage)
        {
            throw new IOException("Fragmented message too large.");
        }

        if (_fragments is null || _fragments.Length < _fragmentLength + payload.Length)
        {
            Array.Resize(ref _fragments, Math.Max(InitialBuffer, (_fragmentLength + payload.Length) * 2));
        }

        payload.CopyTo(_fragments.AsSpan(_fragmentLength));
        _fragmentLength += payload.Length;
    }

    // Parses one complete frame at _start; consumes it and returns its payload's place in _buffer.
    private bool TryReadFrame(out WsOpcode opcode, out bool fin, out int payloadStart, out int payloadLength)
    {
        opcode = default;
        fin = false;
        payloadStart = 0;
        payloadLength = 0;
        int available = _end - _start;
        if (_buffer is null || available < 2)
        {
            return false;
        }

        ReadOnlySpan<byte> data = _buffer.AsSpan(_start, available);
        fin = (data[0] & 0x80) != 0;
        opcode = (WsOpcode)(data[0] & 0x0F);
        bool masked = (data[1] & 0x80) != 0;
        long length = data[1] & 0x7F;
        int header = 2;
        if (length == 126)
        {
            if (available < 4)
            {
                return false;
            }

            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            header = 4;
        }
        else if (length == 127)
        {
            if (available < 10)
            {
                return false;
            }

            length = (long)BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            header = 10;
        }

        if (masked)
        {
            throw new IOException("The server sent a masked frame.");
        }

        if (length > MaxMessage)
        {
            throw new IOException($"Frame of {length} bytes is larger than the load generator accepts.");
        }

        if (available < header + length)
        {
            return false;
        }

        payloadStart = _start + header;
        payloadLength = (int)length;
        _start += header + (int)length;
        return true;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_buffer is null)
        {
            if (_lowMemory)
            {
                // Wait for readiness with no buffer held (the idle scenario holds tens of thousands of connections).
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
            }

            _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
            _start = 0;
            _end = 0;
        }
        else if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            // A partial frame at the end: move it to the front, or grow the buffer to hold it.
            int pending = _end - _start;
            byte[] target = _buffer;
            if (_start == 0)
            {
                int need = Math.Max(_buffer.Length * 2, FrameSizeHint());
                target = ArrayPool<byte>.Shared.Rent(need);
            }

            Buffer.BlockCopy(_buffer, _start, target, 0, pending);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }

            _start = 0;
            _end = pending;
        }

        int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _end += read;
    }

    private int FrameSizeHint()
    {
        int available = _end - _start;
        if (available >= 10 && (_buffer![_start + 1] & 0x7F) == 127)
        {
            return (int)Math.Min(MaxMessage + 16, (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2)) + 16);
        }

        if (available >= 4 && (_buffer![_start + 1] & 0x7F) == 126)
        {
            return BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2)) + 16;
        }

        return InitialBuffer;
    }

    /// <summary>Called by the owner once it has handled the last message: gives the buffer back while idle.</summary>
    public void ReleaseBufferIfIdle()
    {
        if (_lowMemory && _buffer is not null && _start == _end)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _start = 0;
            _end = 0;
        }
    }

    /// <summary>The size of a frame header for a payload of <paramref name="payloadLength"/> bytes (mask key included).</summary>
    public static int HeaderSize(int payloadLength) => (payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + 4;

    /// <summary>Writes a final, masked (key 0) frame header for a payload that follows it; returns the header's length.</summary>
    public static int WriteHeader(Span<byte> destination, WsOpcode opcode, int payloadLength)
    {
        destination[0] = (byte)(0x80 | (byte)opcode);
        int at;
        if (payloadLength < 126)
        {
            destination[1] = (byte)(0x80 | payloadLength);
            at = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            at = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            at = 10;
        }

        destination.Slice(at, 4).Clear();
        return at + 4;
    }

    /// <summary>Sends one frame (a copy of <paramref name="payload"/> after its header).</summary>
    public async ValueTask SendFrameAsync(WsOpcode opcode, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        int size = HeaderSize(payload.Length) + payload.Length;
        byte[] frame = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int header = WriteHeader(frame, opcode, payload.Length);
            payload.Span.CopyTo(frame.AsSpan(header));
            await SendRawAsync(frame.AsMemory(0, size), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Sends bytes that already hold whole frames (built with <see cref="WriteHeader"/>), never interleaved with another send.</summary>
    public async ValueTask SendRawAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await SendAllAsync(frames, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _socket.Dispose();
        if (_buffer is not null)
        {
            // Not returned to the pool: a receive may still be completing into it.
            _buffer = null;
        }
    }
}
