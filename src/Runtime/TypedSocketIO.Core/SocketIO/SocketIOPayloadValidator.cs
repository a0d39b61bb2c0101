using System.Text.Json;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Validates a packet payload in one forward pass of <see cref="Utf8JsonReader"/> (iterative: no recursion, so no
/// stack overflow however deep the input): well-formed JSON, the JSON kind each packet type requires, the depth limit,
/// and, for binary packets, every placeholder's <c>num</c> (CVE-2022-2421).
/// </summary>
internal sealed class SocketIOPayloadValidator
{
    private const byte IsPlaceholderFlag = 1;
    private const byte NumValidFlag = 2;

    private readonly int _maxDepth;

    // Per-object state of the placeholder check, indexed by the object's depth (bounded by _maxDepth).
    private readonly byte[] _flags;
    private readonly int[] _nums;

    public SocketIOPayloadValidator(int maxDepth)
    {
        _maxDepth = maxDepth;
        _flags = new byte[maxDepth];
        _nums = new int[maxDepth];
    }

    private string? _lastEventName;

    /// <summary>Validates the payload; returns the event name for EVENT packets, else <see langword="null"/>.</summary>
    public string? Validate(SocketIOPacketType type, ReadOnlySpan<byte> payload, int attachments)
    {
        if (payload.IsEmpty)
        {
            switch (type)
            {
                case SocketIOPacketType.Connect:
                case SocketIOPacketType.Disconnect:
                    return null;
                default:
                    throw new SocketIOProtocolException(MissingPayloadMessage(type));
            }
        }

        if (type == SocketIOPacketType.Disconnect)
        {
            throw new SocketIOProtocolException("invalid payload: DISCONNECT carries no payload");
        }

        bool binary = type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck;
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions
        {
            // One more than ours, so our check (with its clear message) fires first.
            MaxDepth = _maxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });

        string? eventName = null;
        try
        {
            reader.Read();
            CheckKind(type, ref reader);
            if (type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent)
            {
                eventName = ReadEventName(ref reader);
            }

            int pendingProperty = 0; // 1: "_placeholder", 2: "num" — the property whose value comes next
            do
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= _maxDepth)
                        {
                            throw new SocketIOProtocolException("JSON too deep");
                        }

                        if (binary)
                        {
                            // A container as the value of "_placeholder"/"num" spoils that member of the parent.
                            ClearPending(reader.CurrentDepth - 1, pendingProperty);
                            pendingProperty = 0;
                            if (reader.TokenType == JsonTokenType.StartObject)
                            {
                                _flags[reader.CurrentDepth] = 0;
                            }
                        }

                        break;

                    case JsonTokenType.EndObject:
                        if (binary && (_flags[reader.CurrentDepth] & IsPlaceholderFlag) != 0
                            && ((_flags[reader.CurrentDepth] & NumValidFlag) == 0 || (uint)_nums[reader.CurrentDepth] >= (uint)attachments))
                        {
                            throw new SocketIOProtocolException("invalid attachment placeholder: num must be an integer in [0, attachments)");
                        }

                        break;

                    case JsonTokenType.PropertyName:
                        if (binary)
                        {
                            pendingProperty = reader.ValueTextEquals(SocketIOPlaceholder.PlaceholderProperty) ? 1
                                : reader.ValueTextEquals(SocketIOPlaceholder.NumProperty) ? 2
                                : 0;
                        }

                        break;

                    case JsonTokenType.EndArray:
                        break;

                    default: // a primitive value
                        if (binary && pendingProperty != 0)
                        {
                            int owner = reader.CurrentDepth - 1;
                            if (pendingProperty == 1)
                            {
                                _flags[owner] = reader.TokenType == JsonTokenType.True
                                    ? (byte)(_flags[owner] | IsPlaceholderFlag)
                                    : (byte)(_flags[owner] & ~IsPlaceholderFlag);
                            }
                            else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int num))
                            {
                                _flags[owner] |= NumValidFlag;
                                _nums[owner] = num;
                            }
                            else
                            {
                                _flags[owner] = (byte)(_flags[owner] & ~NumValidFlag);
                            }

                            pendingProperty = 0;
                        }

                        break;
                }
            }
            while (reader.Read());
        }
        catch (JsonException e)
        {
            throw new SocketIOProtocolException("invalid JSON", e);
        }

        return eventName;
    }

    private string ReadEventName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return NumberEventName(ref reader);
        }

        // Events repeat: reuse the previous name's string when the bytes match.
        string? last = _lastEventName;
        if (last is not null && reader.ValueTextEquals(last))
        {
            return last;
        }

        try
        {
            return _lastEventName = reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but no valid string.
            throw new SocketIOProtocolException("invalid payload: event name is not valid Unicode", e);
        }
    }

    /// <summary>
    /// The name Node gives a numeric event: JavaScript's <c>String(n)</c> of the parsed number (<c>1.0</c> → <c>"1"</c>,
    /// <c>1e21</c> → <c>"1e+21"</c>, <c>-0</c> → <c>"0"</c>, <c>1e400</c> → <c>"Infinity"</c>).
    /// </summary>
    private static string NumberEventName(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan; // the payload is one span, never a sequence
        if (!double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value))
        {
            throw new SocketIOProtocolException("invalid payload: event name is not a number");
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        Span<byte> utf8 = stackalloc byte[32];
        int length = SocketIONumberConverter.Format(value, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8[..length]);
    }

    private void ClearPending(int owner, int pendingProperty)
    {
        if (pendingProperty == 1)
        {
            _flags[owner] = (byte)(_flags[owner] & ~IsPlaceholderFlag);
        }
        else if (pendingProperty == 2)
        {
            _flags[owner] = (byte)(_flags[owner] & ~NumValidFlag);
        }
    }

    private static void CheckKind(SocketIOPacketType type, ref Utf8JsonReader reader)
    {
        switch (type)
        {
            case SocketIOPacketType.Connect:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new SocketIOProtocolException("invalid payload: CONNECT expects a JSON object");
                }

                break;

            case SocketIOPacketType.ConnectError:
                if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.String))
                {
                    throw new SocketIOProtocolException("invalid payload: CONNECT_ERROR expects a JSON object or string");
                }

                break;

            case SocketIOPacketType.Ack:
            case SocketIOPacketType.BinaryAck:
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new SocketIOProtocolException("invalid payload: ACK expects a JSON array");
                }

                break;

            default: // Event, BinaryEvent
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new SocketIOProtocolException("invalid payload: EVENT expects a JSON array");
                }

                reader.Read();
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    throw new SocketIOProtocolException("invalid payload: EVENT expects a non-empty array");
                }

                // As socket.io-parser 4.2.x (isPayloadValid): a string that is not reserved, or any number (whose name is then
                // its JavaScript string form, the EventEmitter key Node dispatches it to). Anything else is refused
                // (objects: CVE-2023-32695, CVE-2023-30591).
                if (reader.TokenType == JsonTokenType.Number)
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new SocketIOProtocolException("invalid payload: event name must be a string or a number");
                }

                if (IsReservedEventName(ref reader))
                {
                    throw new SocketIOProtocolException("invalid payload: reserved event name");
                }

                break;
        }
    }

    /// <summary>The names socket.io-parser 4.2.4+ rejects, because they have a meaning of their own on either side.</summary>
    internal static bool IsReservedEventName(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("connect"u8)
        || reader.ValueTextEquals("connect_error"u8)
        || reader.ValueTextEquals("disconnect"u8)
        || reader.ValueTextEquals("disconnecting"u8)
        || reader.ValueTextEquals("newListener"u8)
        || reader.ValueTextEquals("removeListener"u8);

    private static string MissingPayloadMessage(SocketIOPacketType type) => type switch
    {
        SocketIOPacketType.ConnectError => "invalid payload: CONNECT_ERROR expects a JSON object or string",
        SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => "invalid payload: ACK expects a JSON array",
        _ => "invalid payload: EVENT expects a JSON array",
    };
}
