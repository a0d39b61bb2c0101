using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// A read-only view over the arguments of a received EVENT (the elements after the event name) or ACK (all
/// elements), each kept as its raw UTF-8 JSON and deserialized on demand. Placeholders
/// <c>{"_placeholder":true,"num":n}</c> resolve to the packet's binary attachments.
/// </summary>
public sealed class SocketIOArguments
{
    // Up to this many arguments are found without a heap array (more go to a list).
    private const int StackSlots = 16;

    private readonly ReadOnlyMemory<byte> _payload;

    // One argument (the common case) is kept inline, with no array; otherwise _slots holds them all.
    private readonly Slot _single;
    private readonly Slot[]? _slots;
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _attachments;

    private SocketIOArguments(ReadOnlyMemory<byte> payload, ReadOnlySpan<Slot> slots, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        _payload = payload;
        if (slots.Length == 1)
        {
            _single = slots[0];
        }
        else
        {
            _slots = slots.IsEmpty ? [] : slots.ToArray();
        }

        _attachments = attachments;
    }

    /// <summary>The number of arguments.</summary>
    public int Count => _slots is null ? 1 : _slots.Length;

    /// <summary>The packet's binary attachments, in placeholder order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments => _attachments;

    /// <summary>Creates the view over an EVENT packet's arguments.</summary>
    /// <param name="packet">A packet of type <see cref="SocketIOPacketType.Event"/> from <see cref="SocketIOPacketDecoder"/>.</param>
    /// <param name="eventName">The event name (the first payload element).</param>
    /// <returns>The arguments after the event name.</returns>
    /// <exception cref="ArgumentException">The packet is not an event.</exception>
    public static SocketIOArguments FromEvent(SocketIOPacket packet, out string eventName)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent) || packet.EventName is null)
        {
            throw new ArgumentException("The packet is not an EVENT.", nameof(packet));
        }

        eventName = packet.EventName;
        return Create(packet.Payload, packet.Attachments, skipFirst: true);
    }

    /// <summary>The view over a decoded EVENT's arguments (the server's receive path: no packet object).</summary>
    internal static SocketIOArguments FromEvent(in DecodedPacket packet) => Create(packet.Payload, packet.Attachments, skipFirst: true);

    /// <summary>The view over a decoded ACK's arguments.</summary>
    internal static SocketIOArguments FromAck(in DecodedPacket packet) => Create(packet.Payload, packet.Attachments, skipFirst: false);

    /// <summary>Creates the view over an ACK packet's arguments.</summary>
    /// <param name="packet">A packet of type <see cref="SocketIOPacketType.Ack"/> from <see cref="SocketIOPacketDecoder"/>.</param>
    /// <returns>All the payload's elements.</returns>
    /// <exception cref="ArgumentException">The packet is not an acknowledgement.</exception>
    public static SocketIOArguments FromAck(SocketIOPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet.Type is not (SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck))
        {
            throw new ArgumentException("The packet is not an ACK.", nameof(packet));
        }

        return Create(packet.Payload, packet.Attachments, skipFirst: false);
    }

    /// <summary>The raw UTF-8 JSON of argument <paramref name="index"/> (placeholders left as they are).</summary>
    /// <param name="index">0-based argument index.</param>
    /// <returns>A slice of the packet's payload.</returns>
    public ReadOnlyMemory<byte> GetRawJson(int index)
    {
        Slot slot = GetSlot(index);
        return _payload.Slice(slot.Start, slot.Length);
    }

    /// <summary>The JSON kind of argument <paramref name="index"/> (a placeholder is an <see cref="JsonValueKind.Object"/>).</summary>
    /// <param name="index">0-based argument index.</param>
    /// <returns>The kind of the element.</returns>
    public JsonValueKind GetKind(int index) => GetSlot(index).Kind;

    /// <summary>Whether argument <paramref name="index"/> is itself a binary attachment placeholder.</summary>
    /// <param name="index">0-based argument index.</param>
    /// <returns><see langword="true"/> when <see cref="GetBinary"/> returns an attachment.</returns>
    public bool IsBinary(int index) => GetSlot(index).Attachment >= 0;

    /// <summary>The attachment that argument <paramref name="index"/> stands for.</summary>
    /// <param name="index">0-based argument index.</param>
    /// <returns>The attachment's bytes (the packet's own copy; do not mutate).</returns>
    /// <exception cref="InvalidOperationException">The argument is not a placeholder (<see cref="IsBinary"/> is false).</exception>
    public ReadOnlyMemory<byte> GetBinary(int index)
    {
        int attachment = GetSlot(index).Attachment;
        if (attachment < 0)
        {
            throw new InvalidOperationException($"Argument {index} is not a binary attachment.");
        }

        return _attachments[attachment];
    }

    /// <summary>
    /// The attachment that a placeholder found anywhere inside an argument stands for, e.g.
    /// <c>args.GetElement(0).GetProperty("data")</c> of <c>{"data":{"_placeholder":true,"num":0}}</c> (binary nested in
    /// an object or an array, which <see cref="GetElement"/> leaves as placeholders).
    /// </summary>
    /// <param name="element">An element of one of this packet's arguments.</param>
    /// <param name="data">The attachment's bytes (the packet's own copy; do not mutate), when it is a placeholder.</param>
    /// <returns>Whether <paramref name="element"/> is a placeholder of one of this packet's attachments.</returns>
    public bool TryGetBinary(JsonElement element, out ReadOnlyMemory<byte> data)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(SocketIOPlaceholder.PlaceholderProperty, out JsonElement flag) && flag.ValueKind == JsonValueKind.True
            && element.TryGetProperty(SocketIOPlaceholder.NumProperty, out JsonElement num) && num.ValueKind == JsonValueKind.Number && num.TryGetInt32(out int index)
            && (uint)index < (uint)_attachments.Count)
        {
            data = _attachments[index];
            return true;
        }

        data = default;
        return false;
    }

    /// <summary>
    /// Deserializes argument <paramref name="index"/>. <c>byte[]</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> anywhere in
    /// <typeparamref name="T"/> are read from placeholders (the attachments) or base64 strings.
    /// </summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="index">0-based argument index.</param>
    /// <param name="typeInfo">Its metadata, e.g. <c>MyContext.Default.ChatMessage</c>; made binary-aware through <see cref="SocketIOJsonOptions"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JsonException">The JSON does not fit <typeparamref name="T"/> (the peer's contract differs; not a protocol error).</exception>
    public T? GetValue<T>(int index, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ReadOnlySpan<byte> json = GetRawJson(index).Span;
        JsonTypeInfo<T> aware = SocketIOJsonOptions.GetBinaryAware(typeInfo);
        IReadOnlyList<ReadOnlyMemory<byte>>? previous = SocketIOAttachmentScope.Attachments;
        SocketIOAttachmentScope.Attachments = _attachments;
        try
        {
            return JsonSerializer.Deserialize(json, aware);
        }
        finally
        {
            SocketIOAttachmentScope.Attachments = previous;
        }
    }

    /// <summary>Argument <paramref name="index"/> as a <see cref="JsonElement"/> (placeholders left as they are).</summary>
    /// <param name="index">0-based argument index.</param>
    /// <returns>An element that does not depend on any disposable document.</returns>
    public JsonElement GetElement(int index)
    {
        var reader = new Utf8JsonReader(GetRawJson(index).Span, new JsonReaderOptions { MaxDepth = 4097 });
        return JsonElement.ParseValue(ref reader);
    }

    private Slot GetSlot(int index)
    {
        if (_slots is null)
        {
            return index == 0 ? _single : throw new ArgumentOutOfRangeException(nameof(index), index, "The packet has 1 argument(s).");
        }

        if ((uint)index >= (uint)_slots.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The packet has {_slots.Length} argument(s).");
        }

        return _slots[index];
    }

    private static SocketIOArguments Create(ReadOnlyMemory<byte> payload, IReadOnlyList<ReadOnlyMemory<byte>> attachments, bool skipFirst)
    {

        // The decoder validated the payload (an array, depth-bounded); this pass only finds the elements' bounds.
        var reader = new Utf8JsonReader(payload.Span, new JsonReaderOptions { MaxDepth = 4097 });
        reader.Read(); // '['
        if (skipFirst)
        {
            reader.Read();
            reader.Skip();
        }

        Span<Slot> found = stackalloc Slot[StackSlots];
        int count = 0;
        List<Slot>? more = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int start = (int)reader.TokenStartIndex;
            JsonValueKind kind = KindOf(reader.TokenType);
            int attachment = -1;
            if (reader.TokenType == JsonTokenType.StartObject && attachments.Count != 0)
            {
                attachment = ScanObject(ref reader, attachments.Count);
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                // Without attachments no object is a placeholder: skipped whole, not looked into member by member.
                reader.Skip();
            }

            var slot = new Slot(start, (int)reader.BytesConsumed - start, kind, attachment);
            if (more is not null)
            {
                more.Add(slot);
            }
            else if (count < StackSlots)
            {
                found[count++] = slot;
            }
            else
            {
                more = [.. found, slot];
            }
        }

        return more is null
            ? new SocketIOArguments(payload, found[..count], attachments)
            : new SocketIOArguments(payload, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(more), attachments);
    }

    /// <summary>Skips the object at the reader; returns the attachment index if it is a valid placeholder, else -1.</summary>
    private static int ScanObject(ref Utf8JsonReader reader, int attachmentCount)
    {
        int depth = reader.CurrentDepth;
        bool isPlaceholder = false;
        bool numValid = false;
        int num = -1;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            bool isPlaceholderName = reader.ValueTextEquals(SocketIOPlaceholder.PlaceholderProperty);
            bool isNumName = !isPlaceholderName && reader.ValueTextEquals(SocketIOPlaceholder.NumProperty);
            reader.Read();
            if (isPlaceholderName)
            {
                isPlaceholder = reader.TokenType == JsonTokenType.True;
            }
            else if (isNumName)
            {
                numValid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out num);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        // Only a binary packet's placeholders stand for attachments (socket.io-parser reconstructs only those).
        return isPlaceholder && numValid && (uint)num < (uint)attachmentCount ? num : -1;
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };

    private readonly record struct Slot(int Start, int Length, JsonValueKind Kind, int Attachment);
}
