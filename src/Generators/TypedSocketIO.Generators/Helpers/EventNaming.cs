namespace TypedSocketIO.Generators.Helpers;

/// <summary>How a contract method's name becomes an event name on the wire, and a contract's name a type-name prefix.</summary>
internal static class EventNaming
{
    /// <summary>
    /// camelCase by the rule of System.Text.Json's <c>JsonNamingPolicy.CamelCase</c>, so wire names match what a .NET
    /// user already expects from JSON property names: the leading run of upper-case letters is lowered, except its
    /// last letter when a lower-case letter follows (<c>SendMessage</c> → <c>sendMessage</c>, <c>URLValue</c> →
    /// <c>urlValue</c>, <c>URL</c> → <c>url</c>, <c>IOStream</c> → <c>ioStream</c>).
    /// </summary>
    public static string ToCamelCase(string name)
    {
        if (name.Length == 0 || !char.IsUpper(name[0]))
        {
            return name;
        }

        char[] chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            // The second letter is lower-case: only the first one is lowered ("SendMessage").
            if (i == 1 && !char.IsUpper(chars[i]))
            {
                break;
            }

            // The next letter is not upper-case: this one starts the next word and keeps its case ("URLValue"),
            // unless a space follows it, where the run ends with this letter.
            bool hasNext = i + 1 < chars.Length;
            if (i > 0 && hasNext && !char.IsUpper(chars[i + 1]))
            {
                if (chars[i + 1] == ' ')
                {
                    chars[i] = char.ToLowerInvariant(chars[i]);
                }

                break;
            }

            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }

    /// <summary>The interface name without the <c>I</c> of the .NET interface convention: <c>IChatClient</c> → <c>ChatClient</c>; <c>Chat</c> stays.</summary>
    public static string ToTypeNamePrefix(string interfaceName) =>
        interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1])
            ? interfaceName.Substring(1)
            : interfaceName;
}
