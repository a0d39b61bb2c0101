using System.Text.Encodings.Web;

namespace TypedSocketIO.SocketIO;

/// <summary>
/// Escapes strings exactly as JavaScript's <c>JSON.stringify</c> does, so that the bytes we send are the bytes a Node server sends:
/// only <c>"</c>, <c>\</c> and the control characters below U+0020 are escaped (<c>\b \f \n \r \t</c>, otherwise <c>\u00xx</c> in
/// lower case); everything else, non-ASCII, emoji, U+2028 and U+2029 included, is written as UTF-8. (A lone surrogate cannot reach
/// here: .NET replaces it with U+FFFD when it transcodes the string, where JavaScript writes <c>\udxxx</c>.)
/// </summary>
internal sealed class SocketIOJsonEncoder : JavaScriptEncoder
{
    public static readonly SocketIOJsonEncoder Instance = new();

    private SocketIOJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' || (unicodeScalar >= 0xD800 && unicodeScalar <= 0xDFFF);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            char c = text[i];
            if (c < 0x20 || c == '"' || c == '\\')
            {
                return i;
            }

            if (char.IsHighSurrogate(c) && i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        char shortForm = JsonStringifyEscapes.ShortForm(unicodeScalar);
        int length = shortForm != '\0' ? 2 : 6;
        if (bufferLength < length || unicodeScalar > 0xFFFF)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        buffer[0] = '\\';
        if (shortForm != '\0')
        {
            buffer[1] = shortForm;
        }
        else
        {
            const string Hex = JsonStringifyEscapes.LowerHex;
            buffer[1] = 'u';
            buffer[2] = Hex[(unicodeScalar >> 12) & 0xF];
            buffer[3] = Hex[(unicodeScalar >> 8) & 0xF];
            buffer[4] = Hex[(unicodeScalar >> 4) & 0xF];
            buffer[5] = Hex[unicodeScalar & 0xF];
        }

        numberOfCharactersWritten = length;
        return true;
    }
}
