using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Unicode;

namespace TypedSocketIO.EngineIO.Internal.WebSockets;

/// <summary>What <see cref="WebSocketMessageAssembler.Read"/> found.</summary>
internal enum WebSocketReadKind
{
    /// <summary>More bytes are needed.</summary>
    None,

    /// <summary>A whole text message (valid UTF-8) is in <see cref="WebSocketMessageAssembler.Message"/>.</summary>
    Text,

    /// <summary>A whole binary message is in <see cref="WebSocketMessageAssembler.Message"/>.</summary>
    Binary,

    /// <summary>A ping; its payload is in <see cref="WebSocketMessageAssembler.PingPayload"/>, to be echoed in a pong.</summary>
    Ping,

    /// <summary>A pong (unsolicited or not): nothing to do.</summary>
    Pong,

    /// <summary>A close frame; its code is <see cref="WebSocketMessageAssembler.CloseStatus"/>.</summary>
    Close,
}

/// <summary>
/// Turns the frames a client sends (RFC 6455: masked, possibly fragmented, control frames in between) into whole messages.
/// A message's bytes are gathered in a pooled buffer rented when its first frame arrives and returned by
/// <see cref="ReleaseMessage"/>, so that nothing is held between messages. Limits as the ASP.NET Core transport enforces
/// them: a message over <c>maxSize</c> bytes (<see cref="EngineIOOptions.MaxHttpBufferSize"/>) or in more than
/// <c>maxFragments</c> frames (<see cref="EngineIOOptions.MaxWebSocketFragments"/>, empty ones included: CVE-2026-48779) is
/// refused as soon as the frame header that crosses it arrives: 1009 for the size, 1008 for the fragments (as ws).
/// </summary>
internal sealed class WebSocketMessageAssembler : IDisposable
{
    private const int MinimumBuffer = 256;
    private readonly int _maxSize;
    private readonly int _maxFragments;

    // The frame being read (its header is consumed, part of its payload may be still to come).
    private bool _inFrame;
    private long _frameRemaining;
    private int _mask;
    private int _maskOffset;

    // The data message being assembled.
    private bool _inMessage;
    private bool _binary;
    private int _fragments;
    private byte[]? _buffer;
    private int _length;

    public WebSocketMessageAssembler(int maxSize, int maxFragments)
    {
        _maxSize = maxSize;
        _maxFragments = maxFragments;
    }

    /// <summary>The last whole message; valid until <see cref="ReleaseMessage"/>.</summary>
    public ReadOnlyMemory<byte> Message => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    /// <summary>The payload of the last ping.</summary>
    public byte[] PingPayload { get; private set; } = [];

    /// <summary>The code of the close frame received; <see cref="WebSocketCloseStatus.Empty"/> when it had none.</summary>
    public WebSocketCloseStatus CloseStatus { get; private set; } = WebSocketCloseStatus.Empty;

    /// <summary>Whether bytes of a message are held (for tests: nothing may be held between messages).</summary>
    public bool HoldsBuffer => _buffer is not null;

    /// <summary>
    /// Consumes frames from the start of <paramref name="buffer"/> (advancing it) until a message or a control frame is whole,
    /// or the bytes run out. Throws <see cref="WebSocketFrameException"/> for a broken frame or a crossed limit.
    /// </summary>
    public WebSocketReadKind Read(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (!_inFrame)
            {
                if (!WebSocketFrames.TryReadHeader(buffer, out WebSocketFrameHeader header))
                {
                    return WebSocketReadKind.None;
                }

                if (!header.Masked)
                {
                    throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "unmasked WebSocket frame from a client");
                }

                if (header.Opcode >= WebSocketOpcode.Close)
                {
                    // A control frame is read whole (at most 14 + 125 bytes), between the fragments of a message or not.
                    if (buffer.Length < header.HeaderLength + header.PayloadLength)
                    {
                        return WebSocketReadKind.None;
                    }

                    return ReadControl(ref buffer, header);
                }

                StartDataFrame(header);
                buffer = buffer.Slice(header.HeaderLength);
            }

            // Payload of a data frame: unmasked into the message buffer as it arrives.
            if (_frameRemaining > 0)
            {
                int count = (int)Math.Min(_frameRemaining, buffer.Length);
                if (count == 0)
                {
                    return WebSocketReadKind.None;
                }

                Span<byte> destination = _buffer.AsSpan(_length, count);
                buffer.Slice(0, count).CopyTo(destination);
                _maskOffset = WebSocketFrames.Unmask(destination, _mask, _maskOffset);
                _length += count;
                _frameRemaining -= count;
                buffer = buffer.Slice(count);
                if (_frameRemaining > 0)
                {
                    return WebSocketReadKind.None;
                }
            }

            _inFrame = false;
            if (_finalFrame)
            {
                _inMessage = false;
                if (!_binary && !Utf8.IsValid(_buffer.AsSpan(0, _length)))
                {
                    throw new WebSocketFrameException(WebSocketCloseStatus.InvalidPayloadData, "invalid UTF-8 in a WebSocket text message");
                }

                return _binary ? WebSocketReadKind.Binary : WebSocketReadKind.Text;
            }
        }
    }

    private bool _finalFrame;

    private void StartDataFrame(WebSocketFrameHeader header)
    {
        if (header.Opcode == WebSocketOpcode.Continuation)
        {
            if (!_inMessage)
            {
                throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "WebSocket continuation frame without a message to continue");
            }
        }
        else
        {
            if (_inMessage)
            {
                throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "new WebSocket message before the previous one was finished");
            }

            ReleaseMessage();
            _inMessage = true;
            _binary = header.Opcode == WebSocketOpcode.Binary;
            _fragments = 0;
            _length = 0;
        }

        if (header.PayloadLength > _maxSize - _length)
        {
            throw new WebSocketFrameException(WebSocketCloseStatus.MessageTooBig, $"WebSocket message over EngineIOOptions.MaxHttpBufferSize ({_maxSize} bytes)");
        }

        if (++_fragments > _maxFragments)
        {
            throw new WebSocketFrameException(WebSocketCloseStatus.PolicyViolation, $"WebSocket message in more than EngineIOOptions.MaxWebSocketFragments ({_maxFragments}) fragments");
        }

        int needed = _length + (int)header.PayloadLength;
        if (_buffer is null || _buffer.Length < needed)
        {
            // A single frame gets exactly its size; a fragmented message grows by doubling, never past the limit.
            int size = header.Fin && _buffer is null ? Math.Max(needed, 1) : Math.Min(Math.Max(Math.Max(needed, (_buffer?.Length ?? 0) * 2), MinimumBuffer), _maxSize);
            byte[] larger = ArrayPool<byte>.Shared.Rent(size);
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = larger;
        }

        _inFrame = true;
        _finalFrame = header.Fin;
        _frameRemaining = header.PayloadLength;
        _mask = header.MaskKey;
        _maskOffset = 0;
    }

    private WebSocketReadKind ReadControl(ref ReadOnlySequence<byte> buffer, WebSocketFrameHeader header)
    {
        int length = (int)header.PayloadLength;
        Span<byte> payload = stackalloc byte[WebSocketFrames.MaxControlPayload];
        payload = payload[..length];
        buffer.Slice(header.HeaderLength, length).CopyTo(payload);
        WebSocketFrames.Unmask(payload, header.MaskKey, 0);
        buffer = buffer.Slice(header.HeaderLength + length);
        switch (header.Opcode)
        {
            case WebSocketOpcode.Ping:
                PingPayload = payload.ToArray();
                return WebSocketReadKind.Ping;
            case WebSocketOpcode.Pong:
                return WebSocketReadKind.Pong;
            default:
                if (length == 1)
                {
                    throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, "WebSocket close frame with a 1-byte payload");
                }

                if (length >= 2)
                {
                    int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                    if (!WebSocketFrames.IsValidReceivedCloseCode(code))
                    {
                        throw new WebSocketFrameException(WebSocketCloseStatus.ProtocolError, $"WebSocket close code {code} may not be sent");
                    }

                    if (!Utf8.IsValid(payload[2..]))
                    {
                        throw new WebSocketFrameException(WebSocketCloseStatus.InvalidPayloadData, "invalid UTF-8 in a WebSocket close reason");
                    }

                    CloseStatus = (WebSocketCloseStatus)code;
                    CloseDescription = length > 2 ? Encoding.UTF8.GetString(payload[2..]) : null;
                }

                return WebSocketReadKind.Close;
        }
    }

    /// <summary>The reason of the close frame received, if it had one.</summary>
    public string? CloseDescription { get; private set; }

    /// <summary>Returns the buffer of the last message to the pool. Its <see cref="Message"/> is no longer valid.</summary>
    public void ReleaseMessage()
    {
        if (_inMessage)
        {
            return;
        }

        byte[]? buffer = _buffer;
        _buffer = null;
        _length = 0;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        _inMessage = false;
        ReleaseMessage();
    }
}
