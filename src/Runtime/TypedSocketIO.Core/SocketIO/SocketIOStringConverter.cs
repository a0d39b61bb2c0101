using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Writes strings exactly as JavaScript's <c>JSON.stringify</c> does, straight from UTF-16: only <c>"</c>, <c>\</c> and control
/// characters are escaped, and a lone surrogate (legal in both a .NET and a JavaScript string) is written as its <c>\udxxx</c>
/// escape rather than replaced by U+FFFD, which System.Text.Json's own string writing does when it transcodes to UTF-8.
/// Reading is System.Text.Json's.
/// </summary>
internal sealed class SocketIOStringConverter : JsonConverter<string>
{
    public static readonly SocketIOStringConverter Instance = new();

    private const int StackLimit = 256;

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => Write(writer, value.AsSpan());

    // Dictionary keys: System.Text.Json's own (with the JSON.stringify encoder of the writer); a lone surrogate in a key is the
    // one place it still becomes U+FFFD.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString()!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value);

    /// <summary>Writes <paramref name="value"/> as a JSON string value, escaped as <c>JSON.stringify</c> escapes it.</summary>
    internal static void Write(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        if (!HasLoneSurrogate(value))
        {
            // The common case: System.Text.Json with the JSON.stringify encoder gives the same bytes, and faster.
            writer.WriteStringValue(value);
            return;
        }

        // Worst case: every char becomes a six-byte \uXXXX escape; plus the two quotes.
        int max = (value.Length * 6) + 2;
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = Escape(value, buffer);
            writer.WriteRawValue(buffer[..length], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool HasLoneSurrogate(ReadOnlySpan<char> value)
    {
        int i = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (i >= 0 && i < value.Length)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i += 2;
                int next = value[i..].IndexOfAnyInRange('\uD800', '\uDFFF');
                i = next < 0 ? -1 : i + next;
                continue;
            }

            return true;
        }

        return false;
    }

    private static int Escape(ReadOnlySpan<char> value, Span<byte> destination)
    {
        const string Hex = JsonStringifyEscapes.LowerHex;
        int pos = 0;
        destination[pos++] = (byte)'"';
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                pos += Encoding.UTF8.GetBytes(value.Slice(i, 2), destination[pos..]);
                i++;
                continue;
            }

            char shortForm = JsonStringifyEscapes.ShortForm(c);
            if (shortForm != '\0')
            {
                destination[pos++] = (byte)'\\';
                destination[pos++] = (byte)shortForm;
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                destination[pos++] = (byte)'\\';
                destination[pos++] = (byte)'u';
                destination[pos++] = (byte)Hex[(c >> 12) & 0xF];
                destination[pos++] = (byte)Hex[(c >> 8) & 0xF];
                destination[pos++] = (byte)Hex[(c >> 4) & 0xF];
                destination[pos++] = (byte)Hex[c & 0xF];
            }
            else
            {
                pos += Encoding.UTF8.GetBytes(value.Slice(i, 1), destination[pos..]);
            }
        }

        destination[pos++] = (byte)'"';
        return pos;
    }
}
