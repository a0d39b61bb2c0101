using System.Globalization;
using System.Text;
using System.Text.Json;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Server;

/// <summary>
/// An EVENT as an adapter carries it (the official packet object <c>{type, nsp, data, id}</c>): the namespace, the data array
/// <c>["event", …arguments]</c> as UTF-8 JSON with binary values as placeholders, the attachments, and an optional
/// acknowledgement id. Its Socket.IO encoding is built once, on first use, and shared by every socket it goes to; a cluster
/// adapter transcodes the same structure to its wire format. Immutable and safe to share between threads.
/// </summary>
public sealed class SocketIOBroadcastPacket
{
    private SocketIOEncodedPacket? _encoded;
    private string? _eventName;

    /// <summary>Creates a packet from its parts (a cluster adapter, from a message of another server).</summary>
    /// <param name="namespace">The namespace, starting with '/'.</param>
    /// <param name="data">The UTF-8 JSON array <c>["event", …arguments]</c>; placeholders <c>{"_placeholder":true,"num":n}</c> stand for attachments.</param>
    /// <param name="attachments">The attachments, in placeholder order; never changed afterwards.</param>
    /// <param name="ackId">The acknowledgement id, or -1 for none.</param>
    /// <exception cref="ArgumentException">The data is not a JSON array starting with a string (the event name).</exception>
    public SocketIOBroadcastPacket(string @namespace, ReadOnlyMemory<byte> data, IReadOnlyList<ReadOnlyMemory<byte>> attachments, long ackId = -1)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(attachments);
        if (ackId < -1 || ackId > SocketIOProtocol.MaxAckId)
        {
            throw new ArgumentOutOfRangeException(nameof(ackId), ackId, "An ack id is -1 (none) or in 0 … 2^53-1.");
        }

        _eventName = ReadEventName(data.Span) ?? throw new ArgumentException("The data of an EVENT is a JSON array whose first element is the event name.", nameof(data));
        Namespace = @namespace;
        Data = data;
        Attachments = attachments;
        AckId = ackId;
    }

    private SocketIOBroadcastPacket(string @namespace, ReadOnlyMemory<byte> data, IReadOnlyList<ReadOnlyMemory<byte>> attachments, long ackId, string? eventName, SocketIOEncodedPacket? encoded)
    {
        Namespace = @namespace;
        Data = data;
        Attachments = attachments;
        AckId = ackId;
        _eventName = eventName;
        _encoded = encoded;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The UTF-8 JSON array <c>["event", …arguments]</c>, binary values as placeholders.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The binary attachments, in placeholder order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>The acknowledgement id, or -1 for none.</summary>
    public long AckId { get; }

    /// <summary>The event name (the first element of <see cref="Data"/>).</summary>
    public string EventName => _eventName ??= ReadEventName(Data.Span) ?? string.Empty;

    /// <summary>
    /// The packet built by a <see cref="SocketIOPacketWriter"/> (an EVENT or BINARY_EVENT, no acknowledgement id), seen as its
    /// parts without a copy; its encoding is <paramref name="packet"/> itself.
    /// </summary>
    /// <param name="packet">The encoded EVENT.</param>
    /// <returns>The structured packet.</returns>
    /// <exception cref="ArgumentException">The packet is not an EVENT, or carries an acknowledgement id.</exception>
    public static SocketIOBroadcastPacket FromEncoded(SocketIOEncodedPacket packet) => FromEncoded(packet, knownNamespace: null);

    /// <summary>As <see cref="FromEncoded(SocketIOEncodedPacket)"/>, for a packet just built for <paramref name="knownNamespace"/> (its name not decoded again).</summary>
    internal static SocketIOBroadcastPacket FromEncoded(SocketIOEncodedPacket packet, string? knownNamespace)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent))
        {
            throw new ArgumentException("Only an EVENT can be broadcast.", nameof(packet));
        }

        ReadOnlySpan<byte> text = packet.Text.Span;
        int position = 1;
        if (packet.Type == SocketIOPacketType.BinaryEvent)
        {
            position = text.IndexOf((byte)'-') + 1;
        }

        string nsp = SocketIOProtocol.DefaultNamespace;
        if (position < text.Length && text[position] == (byte)'/')
        {
            // A namespace never contains ',' (the header's separator).
            int comma = text[position..].IndexOf((byte)',');
            nsp = knownNamespace ?? Encoding.UTF8.GetString(text.Slice(position, comma));
            position += comma + 1;
        }

        if (position >= text.Length || text[position] != (byte)'[')
        {
            throw new ArgumentException("A broadcast packet carries no acknowledgement id (the adapter gives one to a broadcast with acknowledgements).", nameof(packet));
        }

        return new SocketIOBroadcastPacket(nsp, packet.Text[position..], packet.Attachments, -1, null, packet);
    }

    /// <summary>The Socket.IO encoding (header and text frame, then the attachments), built once and shared.</summary>
    /// <returns>The encoded packet.</returns>
    public SocketIOEncodedPacket Encode()
    {
        SocketIOEncodedPacket? encoded = Volatile.Read(ref _encoded);
        if (encoded is null)
        {
            encoded = SocketIOEncodedPacket.Event(Namespace, Data.Span, Attachments, AckId);
            encoded = Interlocked.CompareExchange(ref _encoded, encoded, null) ?? encoded;
        }

        return encoded;
    }

    /// <summary>The same event with an acknowledgement id (each server gives its own to the packets it sends).</summary>
    /// <param name="ackId">The id.</param>
    /// <returns>A new packet.</returns>
    public SocketIOBroadcastPacket WithAckId(long ackId)
    {
        if (ackId < 0 || ackId > SocketIOProtocol.MaxAckId)
        {
            throw new ArgumentOutOfRangeException(nameof(ackId), ackId, "An ack id is in 0 … 2^53-1.");
        }

        return new SocketIOBroadcastPacket(Namespace, Data, Attachments, ackId, _eventName, null);
    }

    /// <summary>The same event in another namespace (a parent namespace hands its broadcasts to its children).</summary>
    internal SocketIOBroadcastPacket ForNamespace(string @namespace) =>
        string.Equals(@namespace, Namespace, StringComparison.Ordinal) ? this : new(@namespace, Data, Attachments, AckId, _eventName, null);

    /// <summary>
    /// The same event with one more argument, last, the connection state recovery offset (as the official server pushes it
    /// onto <c>packet.data</c>); placeholders keep their numbers.
    /// </summary>
    /// <param name="offset">The offset (a string of letters, digits and '-').</param>
    /// <returns>A new packet.</returns>
    public SocketIOBroadcastPacket WithOffset(string offset)
    {
        ArgumentNullException.ThrowIfNull(offset);
        ReadOnlySpan<byte> data = Data.Span;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(offset.Length + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(offset);
        }

        ReadOnlySpan<byte> json = buffer.WrittenSpan;
        byte[] result = new byte[data.Length + 1 + json.Length];
        data[..^1].CopyTo(result);
        int position = data.Length - 1;
        result[position++] = (byte)',';
        json.CopyTo(result.AsSpan(position));
        result[^1] = (byte)']';
        return new SocketIOBroadcastPacket(Namespace, result, Attachments, AckId, _eventName, null);
    }

    /// <summary>
    /// <see cref="WithOffset(string)"/> for the in-memory adapter's offsets, <c>&lt;epoch&gt;-&lt;seq&gt;</c> (base64url and digits: no
    /// escaping), and its encoding, written once: the data with the offset go straight behind the header, the new packet's
    /// <see cref="Data"/> is a slice of that text (no decode, no second copy).
    /// </summary>
    internal SocketIOBroadcastPacket WithOffset(string epoch, long seq)
    {
        ReadOnlySpan<byte> data = Data.Span;
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(data.Length + epoch.Length + 24);
        try
        {
            Span<byte> buffer = rented;
            data[..^1].CopyTo(buffer);
            int position = data.Length - 1;
            buffer[position++] = (byte)',';
            buffer[position++] = (byte)'"';
            position += Encoding.ASCII.GetBytes(epoch, buffer[position..]);
            buffer[position++] = (byte)'-';
            seq.TryFormat(buffer[position..], out int written, default, CultureInfo.InvariantCulture);
            position += written;
            buffer[position++] = (byte)'"';
            buffer[position++] = (byte)']';
            SocketIOEncodedPacket encoded = SocketIOEncodedPacket.Event(Namespace, buffer[..position], Attachments, AckId);
            return new SocketIOBroadcastPacket(Namespace, encoded.Text[^position..], encoded.Attachments, AckId, _eventName, encoded);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The arguments after the event name, as a received event shows them (placeholders resolved to the attachments).</summary>
    /// <returns>The arguments.</returns>
    public SocketIOArguments GetArguments()
    {
        SocketIOEncodedPacket encoded = Encode();
        var decoder = new SocketIOPacketDecoder(new SocketIOParserOptions { MaxAttachments = Math.Max(1, Attachments.Count), MaxDepth = 4096 });
        SocketIOPacket? decoded = decoder.DecodeText(encoded.Text.Span);
        foreach (ReadOnlyMemory<byte> attachment in encoded.Attachments)
        {
            decoded = decoder.DecodeBinary(attachment.Span);
        }

        return SocketIOArguments.FromEvent(decoded!, out _);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"EVENT {Namespace} {EventName} ({Attachments.Count} attachment(s), ack {AckId})");

    private static string? ReadEventName(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 4096 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return null;
            }

            string name = reader.GetString()!;
            int depth = 1;
            while (reader.Read())
            {
                depth += reader.TokenType switch
                {
                    JsonTokenType.StartArray or JsonTokenType.StartObject => 1,
                    JsonTokenType.EndArray or JsonTokenType.EndObject => -1,
                    _ => 0,
                };
                if (depth == 0)
                {
                    return reader.BytesConsumed == data.Length ? name : null;
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
