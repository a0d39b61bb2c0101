using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSocketIO.Analyzers.Helpers;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;

namespace TypedSocketIO.Analyzers;

/// <summary>
/// TSIO0100: a contract type the contract's JSON context does not carry as <c>[JsonSerializable(typeof(T))]</c>.
/// </summary>
/// <remarks>
/// The comparison is exact, as <c>JsonSerializerContext.GetTypeInfo(typeof(T))</c> is at run time: <c>List&lt;X&gt;</c> needs
/// <c>typeof(List&lt;X&gt;)</c>, not <c>typeof(X)</c>. The attributes of the context's base classes count too.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TypeNotInJsonContextAnalyzer : ContractAnalyzerBase
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(TypeNotInJsonContext);

    private protected override void AnalyzeContract(
        INamedTypeSymbol contract,
        ITypeSymbol? jsonContext,
        ImmutableArray<ContractTypeUsage> usages,
        KnownTypeSymbols known,
        Action<Diagnostic> reportDiagnostic,
        CancellationToken cancellationToken)
    {
        // No context is TSIO0101; a type that is not a JsonSerializerContext is the generator's TSIO0011.
        if (jsonContext is null || usages.IsEmpty || !known.IsJsonContext(jsonContext))
        {
            return;
        }

        var covered = known.GetSerializableTypes(jsonContext);
        var contextId = DocumentationCommentId.CreateReferenceId(jsonContext);

        foreach (var usage in usages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (covered.Contains(usage.Type))
            {
                continue;
            }

            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(TypeIdProperty, DocumentationCommentId.CreateReferenceId(usage.Type))
                .Add(JsonContextIdProperty, contextId);

            reportDiagnostic(Diagnostic.Create(
                TypeNotInJsonContext,
                usage.Location,
                properties,
                usage.Type.ToDisplayString(MessageFormat),
                $"{usage.Method.ContainingType.ToDisplayString(MessageFormat)}.{usage.Method.Name}",
                jsonContext.ToDisplayString(MessageFormat)));
        }
    }
}
