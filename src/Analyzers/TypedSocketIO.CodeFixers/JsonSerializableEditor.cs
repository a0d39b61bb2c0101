using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using TypedSocketIO.Analyzers.Helpers;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace TypedSocketIO.CodeFixers;

/// <summary>Adds <c>[JsonSerializable(typeof(T))]</c> attributes to JSON context declarations.</summary>
internal static class JsonSerializableEditor
{
    private const string JsonSerializableAttributeName = "System.Text.Json.Serialization.JsonSerializableAttribute";

    public static readonly SymbolDisplayFormat TitleFormat = ContractAnalyzerBase.MessageFormat;

    /// <summary>The type and the context a TSIO0100 diagnostic names, resolved in <paramref name="compilation"/>.</summary>
    public static (ITypeSymbol Type, INamedTypeSymbol JsonContext)? Resolve(Compilation compilation, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(ContractAnalyzerBase.TypeIdProperty, out var typeId) || typeId is null ||
            !diagnostic.Properties.TryGetValue(ContractAnalyzerBase.JsonContextIdProperty, out var contextId) || contextId is null)
        {
            return null;
        }

        return DocumentationCommentId.GetFirstSymbolForReferenceId(typeId, compilation) is ITypeSymbol type &&
            DocumentationCommentId.GetFirstSymbolForReferenceId(contextId, compilation) is INamedTypeSymbol context
            ? (type, context)
            : null;
    }

    /// <summary>
    /// The partial declaration of <paramref name="context"/> to edit: the one that already carries <c>[JsonSerializable]</c>
    /// attributes, else one with any attribute, else the first.
    /// </summary>
    public static ClassDeclarationSyntax? FindContextDeclaration(INamedTypeSymbol context, CancellationToken cancellationToken)
    {
        ClassDeclarationSyntax? first = null;
        ClassDeclarationSyntax? withAttributes = null;
        foreach (var reference in context.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not ClassDeclarationSyntax declaration)
            {
                continue;
            }

            if (declaration.AttributeLists.Any(list => list.Attributes.Any(IsJsonSerializable)))
            {
                return declaration;
            }

            first ??= declaration;
            if (declaration.AttributeLists.Count > 0)
            {
                withAttributes ??= declaration;
            }
        }

        return withAttributes ?? first;
    }

    /// <summary>Adds one attribute per distinct type the diagnostics name to the context each names.</summary>
    public static async Task<Solution> AddAttributesAsync(
        Solution solution,
        ImmutableArray<(ProjectId ProjectId, Diagnostic Diagnostic)> diagnostics,
        CancellationToken cancellationToken)
    {
        // Per document, per context declaration: the types to add, in the order first met.
        var edits = new Dictionary<DocumentId, Dictionary<ClassDeclarationSyntax, List<ITypeSymbol>>>();

        foreach (var group in diagnostics.GroupBy(d => d.ProjectId))
        {
            if (solution.GetProject(group.Key) is not { } project ||
                await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is not { } compilation)
            {
                continue;
            }

            var jsonSerializable = compilation.GetTypeByMetadataName(JsonSerializableAttributeName);
            foreach (var (_, diagnostic) in group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Resolve(compilation, diagnostic) is not var (type, context) ||
                    IsAlreadySerializable(context, type, jsonSerializable) ||
                    FindContextDeclaration(context, cancellationToken) is not { } declaration ||
                    solution.GetDocumentId(declaration.SyntaxTree) is not { } documentId)
                {
                    continue;
                }

                if (!edits.TryGetValue(documentId, out var declarations))
                {
                    edits[documentId] = declarations = new Dictionary<ClassDeclarationSyntax, List<ITypeSymbol>>();
                }

                if (!declarations.TryGetValue(declaration, out var types))
                {
                    declarations[declaration] = types = new List<ITypeSymbol>();
                }

                if (!types.Contains(type, SymbolEqualityComparer.Default))
                {
                    types.Add(type);
                }
            }
        }

        foreach (var pair in edits)
        {
            var document = solution.GetDocument(pair.Key)!;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                continue;
            }

            var generator = SyntaxGenerator.GetGenerator(document);
            var declarations = pair.Value;
            var newRoot = root.ReplaceNodes(
                declarations.Keys.Where(declaration => declaration.SyntaxTree == root.SyntaxTree),
                (original, current) => AddAttributes(current, declarations[original], generator));
            solution = solution.WithDocumentSyntaxRoot(pair.Key, newRoot);
        }

        return solution;
    }

    private static bool IsAlreadySerializable(INamedTypeSymbol context, ITypeSymbol type, INamedTypeSymbol? jsonSerializable) =>
        context.GetAttributes().Any(attribute =>
            SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, jsonSerializable) &&
            attribute.ConstructorArguments is [{ Value: ITypeSymbol serializable }] &&
            SymbolEqualityComparer.Default.Equals(serializable, type));

    private static ClassDeclarationSyntax AddAttributes(ClassDeclarationSyntax declaration, List<ITypeSymbol> types, SyntaxGenerator generator)
    {
        var lists = declaration.AttributeLists;
        var endOfLine = declaration.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (endOfLine == default)
        {
            endOfLine = CarriageReturnLineFeed;
        }

        // After the last [JsonSerializable], else after the last attribute.
        var insertAt = lists.Count;
        for (var i = lists.Count - 1; i >= 0; i--)
        {
            if (lists[i].Attributes.Any(IsJsonSerializable))
            {
                insertAt = i + 1;
                break;
            }
        }

        var anchorLeading = lists.Count > 0 ? lists[Math.Max(insertAt - 1, 0)].GetLeadingTrivia() : declaration.GetLeadingTrivia();
        var indentation = anchorLeading.Count > 0 && anchorLeading.Last().IsKind(SyntaxKind.WhitespaceTrivia)
            ? TriviaList(anchorLeading.Last())
            : TriviaList();

        var newLists = types
            .Select(type => CreateAttributeList(type, generator).WithLeadingTrivia(indentation).WithTrailingTrivia(endOfLine))
            .ToList();

        if (lists.Count == 0)
        {
            // The declaration's leading trivia (doc comment, indentation) moves to the first attribute list.
            newLists[0] = newLists[0].WithLeadingTrivia(declaration.GetLeadingTrivia());
            return declaration.WithLeadingTrivia(indentation).WithAttributeLists(List(newLists));
        }

        return declaration.WithAttributeLists(lists.InsertRange(insertAt, newLists));
    }

    private static AttributeListSyntax CreateAttributeList(ITypeSymbol type, SyntaxGenerator generator)
    {
        // Fully qualified, then simplified by the code action's cleanup, which also adds the missing usings.
        var attributeName = ParseName("global::System.Text.Json.Serialization.JsonSerializable")
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var typeSyntax = ((TypeSyntax)generator.TypeExpression(type))
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        return AttributeList(SingletonSeparatedList(
                Attribute(attributeName, AttributeArgumentList(SingletonSeparatedList(AttributeArgument(TypeOfExpression(typeSyntax)))))))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static bool IsJsonSerializable(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return name is "JsonSerializable" or "JsonSerializableAttribute";
    }
}
