namespace TypedSocketIO.SocketIO;

/// <summary>The escapes of JavaScript's <c>JSON.stringify</c>, shared by the encoder and the string converter.</summary>
internal static class JsonStringifyEscapes
{
    public const string LowerHex = "0123456789abcdef";

    /// <summary>The letter of a two-character escape (<c>\n</c> → <c>n</c>), or <c>\0</c> when the character has none.</summary>
    public static char ShortForm(int c) => c switch
    {
        '"' => '"',
        '\\' => '\\',
        '\b' => 'b',
        '\f' => 'f',
        '\n' => 'n',
        '\r' => 'r',
        '\t' => 't',
        _ => '\0',
    };
}
