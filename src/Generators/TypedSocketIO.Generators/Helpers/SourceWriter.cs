using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace TypedSocketIO.Generators.Helpers;

/// <summary>
/// Writes C# with four-space indentation. A multi-line string (a raw string literal in the emitter) is
/// indented line by line, so the emitter's literals read like the code they produce. Lines end with
/// <c>\n</c> on every platform, so baselines compare equal on Windows and Linux.
/// </summary>
internal sealed class SourceWriter
{
    private const int SpacesPerLevel = 4;
    private readonly StringBuilder _builder = new();
    private int _indentation;

    /// <summary>Current indentation level, for text opened by one literal and closed by another.</summary>
    public int Indentation
    {
        get => _indentation;
        set => _indentation = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Writes <c>{</c> and indents what follows.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        Indentation++;
    }

    /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
    public void CloseBlock(string suffix = "")
    {
        if (Indentation == 0)
        {
            throw new InvalidOperationException("No block is open.");
        }

        Indentation--;
        WriteLine("}" + suffix);
    }

    /// <summary>Writes an empty line.</summary>
    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes every line of <paramref name="text"/> at the current indentation; empty lines stay empty.</summary>
    public void WriteLine(string text)
    {
        int start = 0;
        while (true)
        {
            int end = text.IndexOf('\n', start);
            int length = (end < 0 ? text.Length : end) - start;
            if (length > 0 && text[start + length - 1] == '\r')
            {
                length--;
            }

            if (length > 0)
            {
                _builder.Append(' ', Indentation * SpacesPerLevel);
                _builder.Append(text, start, length);
            }

            _builder.Append('\n');
            if (end < 0)
            {
                return;
            }

            start = end + 1;
        }
    }

    /// <summary>The text written so far; every block must be closed.</summary>
    public SourceText ToSourceText()
    {
        if (Indentation != 0)
        {
            throw new InvalidOperationException("A block is still open.");
        }

        return SourceText.From(_builder.ToString(), Encoding.UTF8);
    }

    /// <inheritdoc/>
    public override string ToString() => _builder.ToString();
}
