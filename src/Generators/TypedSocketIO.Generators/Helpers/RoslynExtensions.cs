using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedSocketIO.Generators.Helpers;

/// <summary>Small conveniences over Roslyn symbols, used by the parser.</summary>
internal static class RoslynExtensions
{
    /// <summary><c>global::</c>-qualified names with nullable reference annotations, as generated code spells types.</summary>
    private static readonly SymbolDisplayFormat s_fullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The type as generated code writes it, e.g. <c>global::Chat.ChatMessage?</c>.</summary>
    public static string ToFullyQualifiedName(this ITypeSymbol type) => type.ToDisplayString(s_fullyQualified);

    /// <summary>The type without a top-level <c>?</c> on a reference type (nested annotations stay): the <c>T</c> of its <c>JsonTypeInfo&lt;T&gt;</c>.</summary>
    public static string ToTypeInfoName(this ITypeSymbol type) =>
        (type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type).ToDisplayString(s_fullyQualified);

    /// <summary>The first source location of <paramref name="symbol"/>, or <paramref name="fallback"/> when it comes from metadata.</summary>
    public static Location GetSourceLocation(this ISymbol symbol, Location fallback)
    {
        foreach (Location location in symbol.Locations)
        {
            if (location.IsInSource)
            {
                return location;
            }
        }

        return fallback;
    }

    /// <summary>Whether two symbols are the same, with a null-safe right-hand side.</summary>
    public static bool Is(this ITypeSymbol? type, ITypeSymbol? other) =>
        type is not null && other is not null && SymbolEqualityComparer.Default.Equals(type, other);

    /// <summary>Whether <paramref name="type"/> is <paramref name="baseType"/> or derives from it.</summary>
    public static bool DerivesFrom(this ITypeSymbol type, ITypeSymbol? baseType)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.Is(baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The name as a C# identifier: reserved keywords get an <c>@</c>.</summary>
    public static string ToIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// The parameter's default value as C# source, or <see langword="null"/> when it has none or when the value
    /// cannot be written as a literal (the emitter then leaves the parameter required).
    /// </summary>
    public static string? GetDefaultValueText(this IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return null;
        }

        object? value = parameter.ExplicitDefaultValue;
        ITypeSymbol type = parameter.Type;
        if (value is null)
        {
            return type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? "null" : "default";
        }

        ITypeSymbol valueType = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
            ? ((INamedTypeSymbol)type).TypeArguments[0]
            : type;
        string? literal = value switch
        {
            bool b => b ? "true" : "false",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            byte or sbyte or short or ushort => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            double d when !double.IsNaN(d) && !double.IsInfinity(d) => d.ToString("R", CultureInfo.InvariantCulture) + "D",
            float f when !float.IsNaN(f) && !float.IsInfinity(f) => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            _ => null,
        };

        if (literal is null)
        {
            return null;
        }

        // An enum, or a narrow integer, is spelled as a cast of its constant so the literal converts.
        return valueType.TypeKind == TypeKind.Enum || value is byte or sbyte or short or ushort
            ? "(" + valueType.ToFullyQualifiedName() + ")(" + literal + ")"
            : literal;
    }

    /// <summary>The syntax of the attribute application, or <see langword="null"/> when it comes from metadata.</summary>
    public static Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax? GetSyntax(this AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax;

    /// <summary>The location of a named argument (<c>JsonContext = typeof(…)</c>) of an attribute, else of the attribute.</summary>
    public static Location? GetNamedArgumentLocation(this AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax? syntax = attribute.GetSyntax(cancellationToken);
        if (syntax is null)
        {
            return null;
        }

        Microsoft.CodeAnalysis.CSharp.Syntax.AttributeArgumentSyntax? argument = syntax.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return (argument?.Expression ?? (SyntaxNode)syntax).GetLocation();
    }

    /// <summary>The location of the first positional argument of an attribute, else of the attribute.</summary>
    public static Location? GetFirstArgumentLocation(this AttributeData attribute, CancellationToken cancellationToken)
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax? syntax = attribute.GetSyntax(cancellationToken);
        if (syntax is null)
        {
            return null;
        }

        Microsoft.CodeAnalysis.CSharp.Syntax.AttributeArgumentSyntax? argument = syntax.ArgumentList?.Arguments
            .FirstOrDefault(a => a.NameEquals is null && a.NameColon is null)
            ?? syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null);
        return (argument?.Expression ?? (SyntaxNode)syntax).GetLocation();
    }
}
