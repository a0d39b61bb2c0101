using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Writes an outgoing EVENT or ACK into a pooled UTF-8 buffer and builds an immutable
/// <see cref="SocketIOEncodedPacket"/>, byte for byte as socket.io-parser's encoder would. <c>byte[]</c> and
/// <c>ReadOnlyMemory&lt;byte&gt;</c> values anywhere in the arguments become placeholders
/// <c>{"_placeholder":true,"num":n}</c> and attachments, and the packet becomes a BINARY_EVENT / BINARY_ACK.
/// </summary>
/// <remarks>
/// Usage: <see cref="StartEvent"/> (or <see cref="StartAck"/>), the arguments, then <see cref="Build"/>; the writer can
/// then be reused. Not thread-safe. If writing an argument throws, the packet under construction is abandoned: start
/// again. Strings are escaped exactly as <c>JSON.stringify</c> does (unless the options name an encoder): only <c>"</c>,
/// <c>\</c> and control characters; non-ASCII text and emoji travel as UTF-8, byte for byte what a Node server sends.
/// </remarks>
public sealed class SocketIOPacketWriter : IDisposable
{
    // One idle writer per thread (see Rent): emits reuse its buffer, JSON writer and attachment list.
    [ThreadStatic]
    private static SocketIOPacketWriter? t_cached;

    private readonly JsonSerializerOptions? _sourceOptions;
    private readonly JsonSerializerOptions _options;
    private readonly PooledByteBufferWriter _buffer;
    private readonly Utf8JsonWriter _json;
    private readonly List<ReadOnlyMemory<byte>> _attachments = [];
    private State _state;
    private bool _disposed;
    private bool _pooled;
    private bool _rented;

    /// <summary>Creates a writer.</summary>
    /// <param name="options">
    /// Options used by <see cref="WriteArgument(object?)"/> for types it does not handle itself (through
    /// <see cref="JsonSerializerOptions.GetTypeInfo(Type)"/>, so they must come with a resolver, typically a
    /// <c>JsonSerializerContext</c>'s). A binary-aware copy is used (see <see cref="SocketIOJsonOptions"/>).
    /// <see langword="null"/>: only the types <see cref="WriteArgument(object?)"/> handles itself.
    /// </param>
    public SocketIOPacketWriter(JsonSerializerOptions? options = null)
    {
        _sourceOptions = options;
        _options = options is null ? SocketIOJsonOptions.Empty : SocketIOJsonOptions.GetBinaryAware(options);
        _buffer = new PooledByteBufferWriter(256);
        int maxDepth = _options.MaxDepth == 0 ? 64 : _options.MaxDepth;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            Encoder = _options.Encoder ?? SocketIOJsonEncoder.Instance,

            // The outer array plus a value as deep as the serializer allows: a bound, never a stack overflow.
            MaxDepth = maxDepth + 1,
        });
    }

    /// <summary>
    /// Returns a writer for the given options from a per-thread cache (a new one when the thread's cached writer is in use or
    /// was made for other options); <see cref="Dispose"/> gives it back, ready for the next packet. Emitting with a rented
    /// writer allocates nothing but the packet it builds.
    /// </summary>
    /// <param name="options">As for <see cref="SocketIOPacketWriter(JsonSerializerOptions?)"/>.</param>
    /// <returns>A writer with no packet started. Use it on this thread only, and not after disposing it.</returns>
    public static SocketIOPacketWriter Rent(JsonSerializerOptions? options = null)
    {
        SocketIOPacketWriter? writer = t_cached;
        if (writer is not null && ReferenceEquals(writer._sourceOptions, options))
        {
            t_cached = null;
        }
        else
        {
            writer = new SocketIOPacketWriter(options) { _pooled = true };
        }

        writer._rented = true;
        return writer;
    }

    private enum State
    {
        None,
        Event,
        Ack,
        Broken,
    }

    /// <summary>
    /// The most attachments one packet may carry; writing more throws <see cref="InvalidOperationException"/>.
    /// Defaults to 10, the default limit of the official socket.io-parser 4.2.6 decoder, which rejects the packet and
    /// closes the connection otherwise.
    /// </summary>
    public int MaxAttachments { get; set; } = SocketIOParserOptions.DefaultMaxAttachments;

    /// <summary>The binary-aware options this writer serializes with.</summary>
    public JsonSerializerOptions Options => _options;

    /// <summary>Starts an EVENT: writes <c>[</c> and the event name. Abandons any packet under construction.</summary>
    /// <param name="eventName">The event name.</param>
    /// <exception cref="ArgumentException">The name is reserved (<c>connect</c>, <c>connect_error</c>, <c>disconnect</c>, <c>disconnecting</c>, <c>newListener</c>, <c>removeListener</c>): the official peers reject it.</exception>
    public void StartEvent(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (eventName is "connect" or "connect_error" or "disconnect" or "disconnecting" or "newListener" or "removeListener")
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }

        Restart();
        _json.WriteStartArray();
        SocketIOStringConverter.Write(_json, eventName);
        _state = State.Event;
    }

    /// <summary>Starts an ACK: writes <c>[</c>. Abandons any packet under construction.</summary>
    public void StartAck()
    {
        Restart();
        _json.WriteStartArray();
        _state = State.Ack;
    }

    /// <summary>Writes one argument with its metadata; <c>byte[]</c>/<c>ReadOnlyMemory&lt;byte&gt;</c> inside become attachments.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Its metadata, e.g. <c>MyContext.Default.ChatMessage</c>.</param>
    public void WriteArgument<T>(T? value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        EnsureStarted();
        JsonTypeInfo<T> aware = SocketIOJsonOptions.GetBinaryAware(typeInfo);
        SocketIOPacketWriter? previous = EnterScope();
        try
        {
            JsonSerializer.Serialize<T>(_json, value!, aware);
        }
        catch
        {
            _state = State.Broken;
            throw;
        }
        finally
        {
            SocketIOAttachmentScope.Writer = previous;
        }
    }

    /// <summary>
    /// Writes one argument of any type: <see langword="null"/>, <see cref="string"/>, <see cref="bool"/>, the numeric
    /// primitives (non-finite floating-point values as <c>null</c>, as <c>JSON.stringify</c>), <c>byte[]</c>,
    /// <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c>, <c>ArraySegment&lt;byte&gt;</c> (attachments),
    /// <see cref="JsonElement"/> and <see cref="JsonNode"/> directly; any other type through the options' resolver.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <exception cref="NotSupportedException">The options' resolver has no metadata for the value's type.</exception>
    public void WriteArgument(object? value)
    {
        EnsureStarted();
        switch (value)
        {
            case null:
                _json.WriteNullValue();
                break;
            case string s:
                SocketIOStringConverter.Write(_json, s);
                break;
            case bool b:
                _json.WriteBooleanValue(b);
                break;
            case int i:
                _json.WriteNumberValue(i);
                break;
            case long l:
                _json.WriteNumberValue(l);
                break;
            case double d:
                WriteDouble(d);
                break;
            case float f:
                if (float.IsFinite(f))
                {
                    _json.WriteNumberValue(f);
                }
                else
                {
                    _json.WriteNullValue();
                }

                break;
            case decimal m:
                _json.WriteNumberValue(m);
                break;
            case short s16:
                _json.WriteNumberValue(s16);
                break;
            case byte u8:
                _json.WriteNumberValue(u8);
                break;
            case sbyte s8:
                _json.WriteNumberValue(s8);
                break;
            case ushort u16:
                _json.WriteNumberValue(u16);
                break;
            case uint u32:
                _json.WriteNumberValue(u32);
                break;
            case ulong u64:
                _json.WriteNumberValue(u64);
                break;
            case byte[] bytes:
                WriteBinary(bytes);
                break;
            case ReadOnlyMemory<byte> rom:
                WriteBinary(rom);
                break;
            case Memory<byte> mem:
                WriteBinary(mem);
                break;
            case ArraySegment<byte> segment:
                WriteBinary(segment);
                break;
            case JsonElement element:
                if (element.ValueKind == JsonValueKind.Undefined)
                {
                    throw new ArgumentException("An undefined JsonElement cannot be written.", nameof(value));
                }

                element.WriteTo(_json);
                break;
            case JsonNode node:
                // Inside the scope: a JsonValue holding byte[] becomes an attachment too.
                WriteNode(node);
                break;
            default:
                JsonTypeInfo typeInfo = GetTypeInfo(value.GetType());
                WriteWithTypeInfo(value, typeInfo);
                break;
        }
    }

    /// <summary>Writes a placeholder for <paramref name="data"/> and adds it as the next attachment.</summary>
    /// <param name="data">The bytes; copied into the packet by <see cref="Build"/>.</param>
    public void WriteBinary(ReadOnlyMemory<byte> data)
    {
        EnsureStarted();
        SocketIOPlaceholder.Write(_json, AddAttachment(data));
    }

    /// <summary>Writes one argument given as UTF-8 JSON, validated, copied as is (placeholders in it are not renumbered).</summary>
    /// <param name="utf8Json">One JSON value.</param>
    /// <exception cref="ArgumentException">The input is not one valid JSON value.</exception>
    public void WriteRawJson(ReadOnlySpan<byte> utf8Json)
    {
        EnsureStarted();
        try
        {
            // Validated before anything is written, so a rejected value leaves the packet intact.
            _json.WriteRawValue(utf8Json, skipInputValidation: false);
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The input is not one valid JSON value.", nameof(utf8Json), e);
        }
    }

    /// <summary>
    /// Ends the packet and encodes it: <c>&lt;type&gt;[&lt;n&gt;-][&lt;nsp&gt;,][&lt;ack id&gt;][…]</c>. With attachments an
    /// EVENT becomes a BINARY_EVENT and an ACK a BINARY_ACK. The writer is then ready for the next packet.
    /// </summary>
    /// <param name="namespace">The namespace, starting with '/'; "/" is omitted from the header.</param>
    /// <param name="ackId">For an EVENT, the id the peer acknowledges; for an ACK, the id acknowledged; -1 for none.</param>
    /// <returns>An immutable packet with exact-size arrays (text and copied attachments).</returns>
    /// <exception cref="ArgumentException">The namespace or the ack id is invalid (the packet stays open; fix and retry).</exception>
    public SocketIOEncodedPacket Build(string @namespace, long ackId = -1)
    {
        EnsureStarted();
        SocketIOPacketHeader.ValidateNamespace(@namespace, nameof(@namespace));
        SocketIOPacketHeader.ValidateAckId(ackId, nameof(ackId));

        _json.WriteEndArray();
        _json.Flush();
        int count = _attachments.Count;
        SocketIOPacketType type = _state == State.Event
            ? (count > 0 ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event)
            : (count > 0 ? SocketIOPacketType.BinaryAck : SocketIOPacketType.Ack);

        byte[] text = SocketIOPacketHeader.Compose(type, count, @namespace, ackId, _buffer.WrittenSpan);
        ReadOnlyMemory<byte>[] attachments = count == 0 ? [] : new ReadOnlyMemory<byte>[count];
        for (int i = 0; i < count; i++)
        {
            // Copies: the caller may reuse its buffers; the packet may be shared by many sends.
            attachments[i] = _attachments[i].ToArray();
        }

        Restart();
        return new SocketIOEncodedPacket(type, text, attachments);
    }

    /// <summary>
    /// As <see cref="Build"/> for a packet without attachments, into an array rented from
    /// <see cref="System.Buffers.ArrayPool{T}.Shared"/> (its first <paramref name="length"/> bytes are the text; the caller returns
    /// it, exactly once), with no <see cref="SocketIOEncodedPacket"/> around it. <see langword="null"/>, with the packet still
    /// open, when it has attachments (then call <see cref="Build"/>).
    /// </summary>
    internal byte[]? TryBuildPooledText(string @namespace, long ackId, out int length)
    {
        length = 0;
        EnsureStarted();
        if (_attachments.Count != 0)
        {
            return null;
        }

        SocketIOPacketHeader.ValidateNamespace(@namespace, nameof(@namespace));
        SocketIOPacketHeader.ValidateAckId(ackId, nameof(ackId));
        _json.WriteEndArray();
        _json.Flush();
        SocketIOPacketType type = _state == State.Event ? SocketIOPacketType.Event : SocketIOPacketType.Ack;
        int headerLength = SocketIOPacketHeader.GetLength(type, 0, @namespace, ackId);
        ReadOnlySpan<byte> body = _buffer.WrittenSpan;
        length = checked(headerLength + body.Length);
        byte[] text = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        SocketIOPacketHeader.Write(text, type, 0, @namespace, ackId);
        body.CopyTo(text.AsSpan(headerLength));
        Restart();
        return text;
    }

    /// <summary>Returns the pooled buffer; a writer from <see cref="Rent"/> goes back to its thread's cache instead.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_pooled)
        {
            if (!_rented)
            {
                return;
            }

            Restart();
            _rented = false;
            MaxAttachments = SocketIOParserOptions.DefaultMaxAttachments;
            SocketIOPacketWriter? previous = t_cached;
            t_cached = this;
            if (previous is not null && previous != this)
            {
                previous._pooled = false;
                previous.Dispose();
            }

            return;
        }

        _disposed = true;
        _json.Dispose();
        _buffer.Dispose();
        _attachments.Clear();
    }

    /// <summary>Called by the binary converters (through the thread's attachment scope) and <see cref="WriteBinary"/>.</summary>
    internal int AddAttachment(ReadOnlyMemory<byte> data)
    {
        if (_attachments.Count >= MaxAttachments)
        {
            throw new InvalidOperationException(
                $"too many attachments: a packet carries at most {MaxAttachments} (SocketIOPacketWriter.MaxAttachments), the limit of the official decoder.");
        }

        _attachments.Add(data);
        return _attachments.Count - 1;
    }

    private JsonTypeInfo GetTypeInfo(Type type)
    {
        try
        {
            return _options.GetTypeInfo(type);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            throw new NotSupportedException(
                $"No JSON metadata for type '{type}': add [JsonSerializable(typeof({type.Name}))] to the JsonSerializerContext whose options the SocketIOPacketWriter was given, or pass a JsonTypeInfo<T>.",
                e);
        }
    }

    private void WriteDouble(double d) => SocketIONumberConverter.Instance.Write(_json, d, _options);

    private void WriteNode(JsonNode node)
    {
        SocketIOPacketWriter? previous = EnterScope();
        try
        {
            node.WriteTo(_json, _options);
        }
        catch
        {
            _state = State.Broken;
            throw;
        }
        finally
        {
            SocketIOAttachmentScope.Writer = previous;
        }
    }

    private void WriteWithTypeInfo(object value, JsonTypeInfo typeInfo)
    {
        SocketIOPacketWriter? previous = EnterScope();
        try
        {
            JsonSerializer.Serialize(_json, value, typeInfo);
        }
        catch
        {
            _state = State.Broken;
            throw;
        }
        finally
        {
            SocketIOAttachmentScope.Writer = previous;
        }
    }

    /// <summary>Makes this writer the thread's attachment sink for a serializer call; returns the previous one.</summary>
    private SocketIOPacketWriter? EnterScope()
    {
        SocketIOPacketWriter? previous = SocketIOAttachmentScope.Writer;
        SocketIOAttachmentScope.Writer = this;
        return previous;
    }

    private void EnsureStarted()
    {
        ObjectDisposedException.ThrowIf(_disposed || (_pooled && !_rented), this);
        switch (_state)
        {
            case State.Event:
            case State.Ack:
                return;
            case State.Broken:
                throw new InvalidOperationException("Writing an argument failed; call StartEvent or StartAck to begin a new packet.");
            default:
                throw new InvalidOperationException("Call StartEvent or StartAck first.");
        }
    }

    private void Restart()
    {
        ObjectDisposedException.ThrowIf(_disposed || (_pooled && !_rented), this);
        _json.Reset();
        _buffer.Clear();
        _attachments.Clear();
        _state = State.None;
    }
}
