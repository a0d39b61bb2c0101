using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Generators.Helpers;

/// <summary>The XML documentation of a symbol as one line of plain text, for the JSDoc comments of the TypeScript declarations.</summary>
internal static class Documentation
{
    /// <summary>
    /// The <c>&lt;summary&gt;</c> of <paramref name="symbol"/>, whitespace collapsed, <c>&lt;see cref&gt;</c> and
    /// <c>&lt;paramref&gt;</c> written as the name they point at; <see langword="null"/> when there is none (the
    /// compiler parses doc comments only when the project generates a documentation file).
    /// </summary>
    public static string? Summary(ISymbol symbol, CancellationToken cancellationToken)
    {
        string? xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        XElement? summary;
        try
        {
            summary = XElement.Parse(xml, LoadOptions.None).Element("summary");
        }
        catch (XmlException)
        {
            return null; // a malformed comment is the compiler's warning to give, not ours
        }

        if (summary is null)
        {
            return null;
        }

        var text = new StringBuilder();
        Append(summary, text);
        string result = Collapse(text.ToString());
        return result.Length == 0 ? null : result;
    }

    private static void Append(XElement element, StringBuilder text)
    {
        foreach (XNode node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see when !see.Nodes().GetEnumerator().MoveNext():
                    string reference = (string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? (string?)see.Attribute("href") ?? string.Empty;
                    int colon = reference.IndexOf(':');
                    reference = colon == 1 ? reference.Substring(2) : reference;
                    int dot = reference.LastIndexOf('.', reference.IndexOf('(') is var paren and >= 0 ? paren : reference.Length - 1);
                    text.Append(dot >= 0 && colon == 1 ? reference.Substring(dot + 1) : reference);
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } parameter:
                    text.Append((string?)parameter.Attribute("name"));
                    break;
                case XElement child:
                    Append(child, text);
                    break;
            }
        }
    }

    private static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
