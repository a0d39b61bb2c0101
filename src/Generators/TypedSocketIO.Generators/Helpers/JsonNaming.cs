using System.Text;

namespace TypedSocketIO.Generators.Helpers;

/// <summary>
/// The property names System.Text.Json writes under each <c>JsonKnownNamingPolicy</c>, so the TypeScript declarations
/// name a DTO's properties exactly as they travel. The rules follow the behaviour of <c>JsonNamingPolicy.CamelCase</c>,
/// <c>SnakeCaseLower</c>/<c>Upper</c> and <c>KebabCaseLower</c>/<c>Upper</c>; a test compares them with the real policies.
/// </summary>
internal static class JsonNaming
{
    /// <summary><c>JsonKnownNamingPolicy</c>'s values, as the attribute carries them.</summary>
    public const int Unspecified = 0;
    public const int CamelCase = 1;
    public const int SnakeCaseLower = 2;
    public const int SnakeCaseUpper = 3;
    public const int KebabCaseLower = 4;
    public const int KebabCaseUpper = 5;

    /// <summary>The name System.Text.Json writes for a member called <paramref name="name"/> under <paramref name="policy"/>.</summary>
    public static string Convert(string name, int policy) => policy switch
    {
        CamelCase => EventNaming.ToCamelCase(name),
        SnakeCaseLower => Separate(name, '_', upper: false),
        SnakeCaseUpper => Separate(name, '_', upper: true),
        KebabCaseLower => Separate(name, '-', upper: false),
        KebabCaseUpper => Separate(name, '-', upper: true),
        _ => name,
    };

    /// <summary>
    /// Splits <paramref name="name"/> into words and joins them with <paramref name="separator"/>: a word starts at an
    /// upper-case letter that follows a lower-case letter or a digit, and at the last upper-case letter of a run that a
    /// lower-case letter follows (<c>URLValue</c> → <c>url_value</c>); spaces end a word and are dropped.
    /// </summary>
    private static string Separate(string name, char separator, bool upper)
    {
        var result = new StringBuilder(name.Length + 4);
        // What the previous character was: 0 none or a boundary, 1 lower-case letter, 2 upper-case letter, 3 digit, 4 other.
        int previous = 0;
        bool pendingSeparator = false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsWhiteSpace(c))
            {
                if (result.Length > 0)
                {
                    pendingSeparator = true;
                }

                previous = 0;
                continue;
            }

            int kind = char.IsUpper(c) ? 2 : char.IsLower(c) ? 1 : char.IsDigit(c) ? 3 : 4;
            bool boundary = kind == 2 && (previous == 1 || previous == 3
                || (previous == 2 && i + 1 < name.Length && char.IsLower(name[i + 1])));
            if ((boundary || pendingSeparator) && result.Length > 0 && result[result.Length - 1] != separator)
            {
                result.Append(separator);
            }

            pendingSeparator = false;
            result.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            previous = kind;
        }

        return result.ToString();
    }
}
