using System.Text;
using System.Text.Unicode;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Decodes the Socket.IO packets of one connection, as socket.io-parser 4.2.6's <c>Decoder</c> does, with stricter
/// limits (see <see cref="SocketIOParserOptions"/>). Holds the only per-connection state of the parser: a binary
/// packet whose attachments are still arriving. Not thread-safe; Engine.IO calls for one connection are sequential.
/// </summary>
/// <remarks>
/// Every invalid input throws <see cref="SocketIOProtocolException"/> (and nothing else); the caller closes the
/// connection. The packet returned owns copies of the bytes it was decoded from, so the input buffers can be reused
/// as soon as a call returns.
/// </remarks>
public sealed class SocketIOPacketDecoder
{
    private readonly SocketIOParserOptions _options;
    private readonly SocketIOPayloadValidator _validator;
    private readonly int _maxAttachments;

    private string? _lastNamespace;
    private byte[]? _lastNamespaceUtf8;

    // The binary packet waiting for attachments, when _pendingAttachments is not null.
    private SocketIOPacketType _pendingType;
    private string _pendingNamespace = SocketIOProtocol.DefaultNamespace;
    private long _pendingAckId;
    private byte[] _pendingPayload = [];
    private string? _pendingEventName;
    private ReadOnlyMemory<byte>[]? _pendingAttachments;
    private int _received;

    /// <summary>Creates a decoder with the given limits.</summary>
    /// <param name="options">The limits; <see langword="null"/> for the defaults. Read once, here.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public SocketIOPacketDecoder(SocketIOParserOptions? options = null)
    {
        _options = options ?? new SocketIOParserOptions();
        if (_options.MaxAttachments < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxAttachments, "MaxAttachments must be 0 or more.");
        }

        if (_options.MaxDepth is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxDepth, "MaxDepth must be in 1 … 4096.");
        }

        _maxAttachments = _options.MaxAttachments;
        _validator = new SocketIOPayloadValidator(_options.MaxDepth);
    }

    /// <summary>Whether a binary packet has been decoded and is waiting for <see cref="DecodeBinary"/> frames.</summary>
    public bool HasPendingBinaryPacket => _pendingAttachments is not null;

    /// <summary>The options this decoder enforces.</summary>
    public SocketIOParserOptions Options => _options;

    /// <summary>
    /// Decodes a text packet: the Engine.IO message payload, without the Engine.IO <c>4</c>.
    /// </summary>
    /// <param name="utf8">The encoded packet, e.g. <c>2/chat,12["x",1]</c>.</param>
    /// <returns>
    /// The packet, or <see langword="null"/> when it is a binary packet whose attachments must now be passed to
    /// <see cref="DecodeBinary"/>.
    /// </returns>
    /// <exception cref="SocketIOProtocolException">The packet is invalid, crosses a limit, or arrives while a binary packet is pending.</exception>
    public SocketIOPacket? DecodeText(ReadOnlySpan<byte> utf8) => TryDecodeText(utf8, out DecodedPacket packet) ? packet.ToPacket() : null;

    /// <summary>Takes one binary frame (an attachment) of the pending binary packet.</summary>
    /// <param name="data">The frame's bytes; copied.</param>
    /// <returns>The packet once its last attachment has arrived, else <see langword="null"/>.</returns>
    /// <exception cref="SocketIOProtocolException">No binary packet is waiting for attachments.</exception>
    public SocketIOPacket? DecodeBinary(ReadOnlySpan<byte> data) => TryDecodeBinary(data, out DecodedPacket packet) ? packet.ToPacket() : null;

    /// <summary>As <see cref="DecodeText"/>, without a <see cref="SocketIOPacket"/> object: <see langword="false"/> while a binary packet waits for attachments.</summary>
    internal bool TryDecodeText(ReadOnlySpan<byte> utf8, out DecodedPacket decoded)
    {
        decoded = default;
        if (_pendingAttachments is not null)
        {
            throw new SocketIOProtocolException("unexpected text packet while waiting for binary attachments");
        }

        if (utf8.IsEmpty)
        {
            throw new SocketIOProtocolException("empty packet");
        }

        uint typeDigit = (uint)(utf8[0] - '0');
        if (typeDigit > (uint)SocketIOPacketType.BinaryAck)
        {
            throw new SocketIOProtocolException("invalid packet type");
        }

        if (!Utf8.IsValid(utf8))
        {
            throw new SocketIOProtocolException("invalid UTF-8");
        }

        var type = (SocketIOPacketType)typeDigit;
        int i = 1;

        // <attachments>- : at least one digit, then '-'.
        int attachments = 0;
        bool binary = type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck;
        if (binary)
        {
            int start = i;
            long count = 0;
            while (i < utf8.Length && utf8[i] != (byte)'-')
            {
                uint digit = (uint)(utf8[i] - '0');
                if (digit > 9)
                {
                    throw new SocketIOProtocolException("invalid attachment count");
                }

                count = (count * 10) + digit;
                if (count > _maxAttachments)
                {
                    // Checked before anything is buffered (CVE-2026-33151); the message is socket.io-parser's.
                    throw new SocketIOProtocolException("too many attachments");
                }

                i++;
            }

            if (i == start || i == utf8.Length)
            {
                throw new SocketIOProtocolException("invalid attachment count");
            }

            attachments = (int)count;
            i++; // '-'
        }

        // /<namespace>, : up to the first ',' (or the end, as socket.io-parser does).
        string nsp = SocketIOProtocol.DefaultNamespace;
        if (i < utf8.Length && utf8[i] == (byte)'/')
        {
            int comma = utf8[i..].IndexOf((byte)',');
            int end = comma < 0 ? utf8.Length : i + comma;
            nsp = GetNamespace(utf8[i..end]);
            i = comma < 0 ? utf8.Length : end + 1;
        }

        // <ack id> : decimal digits, at most 2^53-1 (leading zeros allowed, as Number() does).
        long ackId = -1;
        if (i < utf8.Length && IsDigit(utf8[i]))
        {
            long id = 0;
            while (i < utf8.Length && IsDigit(utf8[i]))
            {
                id = (id * 10) + (utf8[i] - '0');
                if (id > SocketIOProtocol.MaxAckId)
                {
                    throw new SocketIOProtocolException("invalid ack id");
                }

                i++;
            }

            ackId = id;
        }
        else if (i + 1 < utf8.Length && utf8[i] == (byte)'-' && IsDigit(utf8[i + 1]))
        {
            throw new SocketIOProtocolException("invalid ack id");
        }

        ReadOnlySpan<byte> payload = utf8[i..];
        string? eventName = _validator.Validate(type, payload, attachments);
        byte[] payloadCopy = payload.IsEmpty ? [] : payload.ToArray();

        if (!binary)
        {
            decoded = new DecodedPacket(type, nsp, ackId, payloadCopy, [], eventName);
            return true;
        }

        SocketIOPacketType plainType = type == SocketIOPacketType.BinaryEvent ? SocketIOPacketType.Event : SocketIOPacketType.Ack;
        if (attachments == 0)
        {
            decoded = new DecodedPacket(plainType, nsp, ackId, payloadCopy, [], eventName);
            return true;
        }

        _pendingType = plainType;
        _pendingNamespace = nsp;
        _pendingAckId = ackId;
        _pendingPayload = payloadCopy;
        _pendingEventName = eventName;
        _pendingAttachments = new ReadOnlyMemory<byte>[attachments];
        _received = 0;
        return false;
    }

    /// <summary>As <see cref="DecodeBinary"/>, without a <see cref="SocketIOPacket"/> object: <see langword="false"/> until the last attachment.</summary>
    internal bool TryDecodeBinary(ReadOnlySpan<byte> data, out DecodedPacket decoded)
    {
        decoded = default;
        ReadOnlyMemory<byte>[]? attachments = _pendingAttachments;
        if (attachments is null)
        {
            throw new SocketIOProtocolException("unexpected binary frame: no binary packet is waiting for attachments");
        }

        attachments[_received++] = data.ToArray();
        if (_received < attachments.Length)
        {
            return false;
        }

        decoded = new DecodedPacket(_pendingType, _pendingNamespace, _pendingAckId, _pendingPayload, attachments, _pendingEventName);
        Reset();
        return true;
    }

    /// <summary>Drops the half-received binary packet, if any (call it when the connection closes).</summary>
    public void Reset()
    {
        _pendingAttachments = null;
        _pendingPayload = [];
        _pendingEventName = null;
        _pendingNamespace = SocketIOProtocol.DefaultNamespace;
        _received = 0;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private string GetNamespace(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 1)
        {
            return SocketIOProtocol.DefaultNamespace;
        }

        // Packets for one connection mostly name the same namespace: reuse its string.
        if (_lastNamespaceUtf8 is not null && utf8.SequenceEqual(_lastNamespaceUtf8))
        {
            return _lastNamespace!;
        }

        string nsp = Encoding.UTF8.GetString(utf8); // valid UTF-8: checked above
        _lastNamespace = nsp;
        _lastNamespaceUtf8 = utf8.ToArray();
        return nsp;
    }
}

/// <summary>
/// A decoded packet as plain fields (what <see cref="SocketIOPacket"/> holds), for the server's receive path: the arguments view
/// is made from it directly, with no packet object in between.
/// </summary>
internal readonly record struct DecodedPacket(
    SocketIOPacketType Type, string Namespace, long AckId, ReadOnlyMemory<byte> Payload, ReadOnlyMemory<byte>[] Attachments, string? EventName)
{
    public SocketIOPacket ToPacket() => new(Type, Namespace, AckId, Payload, Attachments, EventName);
}
