using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSocketIO.Analyzers.Helpers;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;

namespace TypedSocketIO.Analyzers;

/// <summary>
/// TSIO0201: a class deriving from <c>SocketHandler&lt;TSend&gt;</c> whose <c>TSend</c> is not a contract interface, so no
/// typed emitter exists for it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerSendContractNotAContractAnalyzer : HandlerAnalyzerBase
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(HandlerSendContractNotAContract);

    private protected override void AnalyzeHandler(
        INamedTypeSymbol handler,
        ITypeSymbol sendContract,
        Location sendContractLocation,
        ContractSet contracts,
        Action<Diagnostic> reportDiagnostic)
    {
        if (contracts.IsContract(sendContract))
        {
            return;
        }

        reportDiagnostic(Diagnostic.Create(
            HandlerSendContractNotAContract,
            sendContractLocation,
            handler.ToDisplayString(ContractAnalyzerBase.MessageFormat),
            sendContract.ToDisplayString(ContractAnalyzerBase.MessageFormat)));
    }
}
