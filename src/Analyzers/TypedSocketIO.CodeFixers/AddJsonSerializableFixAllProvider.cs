using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace TypedSocketIO.CodeFixers;

/// <summary>
/// "Fix all" for TSIO0100. The batch fixer would merge one text change per diagnostic, and two usages of the same type
/// would add the same attribute twice; this one gathers every diagnostic of the scope, keeps each type once per context,
/// and edits each context once.
/// </summary>
internal sealed class AddJsonSerializableFixAllProvider : FixAllProvider
{
    public static readonly AddJsonSerializableFixAllProvider Instance = new();

    private AddJsonSerializableFixAllProvider()
    {
    }

    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var builder = ImmutableArray.CreateBuilder<(ProjectId, Diagnostic)>();
        switch (fixAllContext.Scope)
        {
            case FixAllScope.Document when fixAllContext.Document is { } document:
                foreach (var diagnostic in await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))
                {
                    builder.Add((document.Project.Id, diagnostic));
                }

                break;

            case FixAllScope.Project:
                await AddProjectAsync(fixAllContext.Project).ConfigureAwait(false);
                break;

            case FixAllScope.Solution:
                foreach (var project in fixAllContext.Solution.Projects)
                {
                    await AddProjectAsync(project).ConfigureAwait(false);
                }

                break;

            default:
                return null;
        }

        var diagnostics = builder.ToImmutable();
        var solution = fixAllContext.Solution;
        return CodeAction.Create(
            "Add [JsonSerializable] for every type the JSON context lacks",
            cancellationToken => JsonSerializableEditor.AddAttributesAsync(solution, diagnostics, cancellationToken),
            AddJsonSerializableCodeFixer.EquivalenceKey);

        async Task AddProjectAsync(Project project)
        {
            foreach (var diagnostic in await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false))
            {
                builder.Add((project.Id, diagnostic));
            }
        }
    }
}
