using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;

namespace TypedSocketIO.CodeFixers;

/// <summary>
/// Fixes TSIO0100 by adding <c>[JsonSerializable(typeof(T))]</c> to the contract's JSON context, beside its other
/// <c>[JsonSerializable]</c> attributes, with a <c>using</c> for any namespace the file lacks.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddJsonSerializableCodeFixer))]
[Shared]
public sealed class AddJsonSerializableCodeFixer : CodeFixProvider
{
    /// <summary>One key for every fix of this kind, so that "fix all" gathers them.</summary>
    internal const string EquivalenceKey = "TypedSocketIO.AddJsonSerializable";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(TypeNotInJsonContextId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => AddJsonSerializableFixAllProvider.Instance;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var compilation = await context.Document.Project.GetCompilationAsync(context.CancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (JsonSerializableEditor.Resolve(compilation, diagnostic) is not { } target ||
                JsonSerializableEditor.FindContextDeclaration(target.JsonContext, context.CancellationToken) is null)
            {
                // A context from metadata (another assembly) cannot be edited here.
                continue;
            }

            var title = $"Add [JsonSerializable(typeof({target.Type.ToDisplayString(JsonSerializableEditor.TitleFormat)}))] to {target.JsonContext.Name}";
            var solution = context.Document.Project.Solution;
            var projectId = context.Document.Project.Id;
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    cancellationToken => JsonSerializableEditor.AddAttributesAsync(
                        solution, ImmutableArray.Create((projectId, diagnostic)), cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }
}
