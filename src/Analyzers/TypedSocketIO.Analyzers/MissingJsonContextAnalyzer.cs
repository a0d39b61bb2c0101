using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSocketIO.Analyzers.Helpers;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;

namespace TypedSocketIO.Analyzers;

/// <summary>
/// TSIO0101: a contract without a <c>JsonContext</c> that uses a type only a <c>JsonSerializerContext</c> can serialize.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingJsonContextAnalyzer : ContractAnalyzerBase
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(MissingJsonContext);

    private protected override void AnalyzeContract(
        INamedTypeSymbol contract,
        ITypeSymbol? jsonContext,
        ImmutableArray<ContractTypeUsage> usages,
        KnownTypeSymbols known,
        Action<Diagnostic> reportDiagnostic,
        CancellationToken cancellationToken)
    {
        if (jsonContext is not null)
        {
            return;
        }

        var contractName = contract.ToDisplayString(MessageFormat);
        foreach (var usage in usages)
        {
            reportDiagnostic(Diagnostic.Create(
                MissingJsonContext,
                usage.Location,
                contractName,
                usage.Type.ToDisplayString(MessageFormat)));
        }
    }
}
