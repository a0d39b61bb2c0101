using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSocketIO.Analyzers.Helpers;

/// <summary>
/// Finds every concrete class deriving, directly or not, from <c>TypedSocketIO.Server.SocketHandler&lt;TSend&gt;</c> and
/// hands it to one rule with its <c>TSend</c>. Does nothing in a compilation that does not reference the server.
/// </summary>
public abstract class HandlerAnalyzerBase : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();

        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            if (compilation.GetTypeByMetadataName(KnownTypeSymbols.SocketHandlerName) is not { } socketHandler ||
                compilation.GetTypeByMetadataName(KnownTypeSymbols.ContractAttributeName) is not { } contractAttribute)
            {
                return;
            }

            var contracts = new ContractSet(compilation, contractAttribute);
            start.RegisterSymbolAction(
                symbolContext => AnalyzeClass(symbolContext, socketHandler, contracts),
                SymbolKind.NamedType);
        });
    }

    /// <summary>Checks one handler class.</summary>
    /// <param name="handler">The concrete class deriving from <c>SocketHandler&lt;TSend&gt;</c>.</param>
    /// <param name="sendContract">Its <c>TSend</c>.</param>
    /// <param name="sendContractLocation">The <c>TSend</c> in the class's base list when it is written there, else the class name.</param>
    /// <param name="contracts">Tells contract interfaces apart.</param>
    /// <param name="reportDiagnostic">Reports a diagnostic.</param>
    private protected abstract void AnalyzeHandler(
        INamedTypeSymbol handler,
        ITypeSymbol sendContract,
        Location sendContractLocation,
        ContractSet contracts,
        Action<Diagnostic> reportDiagnostic);

    private void AnalyzeClass(SymbolAnalysisContext context, INamedTypeSymbol socketHandler, ContractSet contracts)
    {
        // An abstract class is a base for handlers, not one: its derived classes are checked.
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } handler ||
            handler.Locations.FirstOrDefault() is not { } nameLocation)
        {
            return;
        }

        for (var type = handler.BaseType; type is not null; type = type.BaseType)
        {
            if (!SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, socketHandler))
            {
                continue;
            }

            var sendContract = type.TypeArguments[0];
            if (sendContract.TypeKind is TypeKind.Error or TypeKind.TypeParameter)
            {
                return;
            }

            var sendLocation = SymbolEqualityComparer.Default.Equals(type, handler.BaseType)
                ? FindTypeArgumentInBaseList(handler, context.CancellationToken) ?? nameLocation
                : nameLocation;
            AnalyzeHandler(handler, sendContract, sendLocation, contracts, context.ReportDiagnostic);
            return;
        }
    }

    // The base list is searched by syntax (a symbol action has no semantic model): the generic base type named SocketHandler.
    private static Location? FindTypeArgumentInBaseList(INamedTypeSymbol handler, CancellationToken cancellationToken)
    {
        foreach (var reference in handler.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax { BaseList: { } baseList })
            {
                continue;
            }

            foreach (var baseType in baseList.Types)
            {
                var name = baseType.Type is QualifiedNameSyntax qualified ? qualified.Right : baseType.Type as SimpleNameSyntax;
                if (name is GenericNameSyntax { Identifier.ValueText: "SocketHandler", TypeArgumentList.Arguments: [var argument] })
                {
                    return argument.GetLocation();
                }
            }
        }

        return null;
    }
}
