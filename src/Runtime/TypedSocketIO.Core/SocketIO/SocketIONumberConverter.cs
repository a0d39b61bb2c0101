using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Writes <see cref="double"/> values exactly as JavaScript's <c>JSON.stringify</c> does (ECMAScript Number::toString), so that a
/// number sent by us is byte for byte what a Node server sends: <c>123456789012345680000</c> rather than <c>1.2345678901234568E+20</c>,
/// <c>0.000001</c> rather than <c>1E-06</c>, <c>1.5e-7</c>, <c>1e+21</c>, <c>0</c> for negative zero, and <c>null</c> for NaN and the
/// infinities. Reading is System.Text.Json's.
/// </summary>
internal sealed class SocketIONumberConverter : JsonConverter<double>
{
    public static readonly SocketIONumberConverter Instance = new();

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[32];
        int length = Format(value, utf8);
        writer.WriteRawValue(utf8[..length], skipInputValidation: true);
    }

    /// <summary>Formats <paramref name="value"/> as ECMAScript's Number::toString into <paramref name="destination"/> (32 bytes suffice).</summary>
    internal static int Format(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            "null"u8.CopyTo(destination);
            return 4;
        }

        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        // The shortest round-trip digits, and n such that value = 0.d1d2…dk × 10^n (the ECMAScript formulation).
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int written, "R", CultureInfo.InvariantCulture);
        ReadOnlySpan<char> r = text[..written];
        int pos = 0;
        if (r[0] == '-')
        {
            destination[pos++] = (byte)'-';
            r = r[1..];
        }

        int exponent = 0;
        int e = r.IndexOfAny('E', 'e');
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        Span<char> digits = stackalloc char[24];
        int k = 0;
        int pointPosition = -1;
        foreach (char c in r)
        {
            if (c == '.')
            {
                pointPosition = k;
            }
            else
            {
                digits[k++] = c;
            }
        }

        if (pointPosition < 0)
        {
            pointPosition = k;
        }

        int leading = 0;
        while (leading < k - 1 && digits[leading] == '0')
        {
            leading++;
        }

        int n = pointPosition - leading + exponent;
        ReadOnlySpan<char> d = digits[leading..k].TrimEnd('0');
        k = d.Length;

        if (k <= n && n <= 21)
        {
            pos += Write(destination[pos..], d);
            for (int i = 0; i < n - k; i++)
            {
                destination[pos++] = (byte)'0';
            }
        }
        else if (0 < n && n <= 21)
        {
            pos += Write(destination[pos..], d[..n]);
            destination[pos++] = (byte)'.';
            pos += Write(destination[pos..], d[n..]);
        }
        else if (-6 < n && n <= 0)
        {
            destination[pos++] = (byte)'0';
            destination[pos++] = (byte)'.';
            for (int i = 0; i < -n; i++)
            {
                destination[pos++] = (byte)'0';
            }

            pos += Write(destination[pos..], d);
        }
        else
        {
            destination[pos++] = (byte)d[0];
            if (k > 1)
            {
                destination[pos++] = (byte)'.';
                pos += Write(destination[pos..], d[1..]);
            }

            destination[pos++] = (byte)'e';
            destination[pos++] = n - 1 >= 0 ? (byte)'+' : (byte)'-';
            (n - 1 >= 0 ? n - 1 : 1 - n).TryFormat(destination[pos..], out int exponentLength, default, CultureInfo.InvariantCulture);
            pos += exponentLength;
        }

        return pos;
    }

    private static int Write(Span<byte> destination, ReadOnlySpan<char> ascii)
    {
        for (int i = 0; i < ascii.Length; i++)
        {
            destination[i] = (byte)ascii[i];
        }

        return ascii.Length;
    }
}
