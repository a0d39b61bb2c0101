using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace TypedSocketIO.Generators.Helpers;

/// <summary>The bits of TypeScript syntax the declarations need: identifiers, reserved words and string literals.</summary>
internal static class TypeScriptSyntax
{
    /// <summary>Words a TypeScript parameter cannot be called (ECMAScript reserved words and strict-mode ones).</summary>
    private static readonly HashSet<string> s_reservedWords = new(StringComparer.Ordinal)
    {
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
        "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
        "implements", "interface", "let", "package", "private", "protected", "public", "static", "yield",
        "await", "arguments", "eval",
    };

    /// <summary>Whether <paramref name="name"/> cannot be a parameter name.</summary>
    public static bool IsReservedWord(string name) => s_reservedWords.Contains(name);

    /// <summary>Whether <paramref name="name"/> is an ASCII identifier (letters, digits, <c>_</c>, <c>$</c>, not starting with a digit).</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || (name[0] >= '0' && name[0] <= '9'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A member key: the name itself when it is an identifier, else a string literal (<c>"user-id"</c>).</summary>
    public static string PropertyKey(string name) => IsIdentifier(name) ? name : StringLiteral(name);

    /// <summary>A double-quoted TypeScript string literal of <paramref name="value"/>.</summary>
    public static string StringLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ' || c == '\u2028' || c == '\u2029')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text safe inside a <c>/** … */</c> comment: <c>*/</c> cannot close it early.</summary>
    public static string Comment(string text) => text.Replace("*/", "*\\/");
}
