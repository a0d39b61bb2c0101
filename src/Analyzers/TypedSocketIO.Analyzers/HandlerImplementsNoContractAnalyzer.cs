using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSocketIO.Analyzers.Helpers;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;

namespace TypedSocketIO.Analyzers;

/// <summary>
/// TSIO0200: a class deriving from <c>SocketHandler&lt;TSend&gt;</c> that implements no contract interface, so no event is
/// dispatched to it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerImplementsNoContractAnalyzer : HandlerAnalyzerBase
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(HandlerImplementsNoContract);

    private protected override void AnalyzeHandler(
        INamedTypeSymbol handler,
        ITypeSymbol sendContract,
        Location sendContractLocation,
        ContractSet contracts,
        Action<Diagnostic> reportDiagnostic)
    {
        if (handler.AllInterfaces.Any(contracts.IsContract))
        {
            return;
        }

        reportDiagnostic(Diagnostic.Create(
            HandlerImplementsNoContract,
            handler.Locations[0],
            handler.ToDisplayString(ContractAnalyzerBase.MessageFormat),
            sendContract.ToDisplayString(ContractAnalyzerBase.MessageFormat)));
    }
}
