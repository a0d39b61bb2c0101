using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TypedSocketIO.Analyzers.Helpers;

/// <summary>
/// Finds every contract of the compilation — interfaces carrying <c>[SocketIOContract]</c> and interfaces named by
/// <c>[assembly: SocketIOContractFor(typeof(I))]</c> — with the JSON context it names and the types it uses, and hands
/// them to one rule.
/// </summary>
public abstract class ContractAnalyzerBase : DiagnosticAnalyzer
{
    /// <summary>Property of a reported diagnostic: the documentation reference ID of the type the context lacks.</summary>
    internal const string TypeIdProperty = "TypeId";

    /// <summary>Property of a reported diagnostic: the documentation reference ID of the JSON context.</summary>
    internal const string JsonContextIdProperty = "JsonContextId";

    /// <summary>How types are named in messages: short, and as <c>typeof(…)</c> accepts them (no <c>?</c> on classes).</summary>
    internal static readonly SymbolDisplayFormat MessageFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat
        .RemoveMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <inheritdoc/>
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();

        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypeSymbols.Create(start.Compilation) is not { } known)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => AnalyzeInterface(symbolContext, known), SymbolKind.NamedType);

            if (known.ContractForAttribute is not null)
            {
                start.RegisterSyntaxNodeAction(nodeContext => AnalyzeAssemblyAttribute(nodeContext, known), SyntaxKind.Attribute);
            }
        });
    }

    /// <summary>Checks one contract.</summary>
    /// <param name="contract">The contract interface.</param>
    /// <param name="jsonContext">The type named by <c>JsonContext</c>, or <see langword="null"/> when there is none.</param>
    /// <param name="usages">The types the contract uses that are neither primitive nor a <c>CancellationToken</c>.</param>
    /// <param name="known">The well-known types.</param>
    /// <param name="reportDiagnostic">Reports a diagnostic.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    private protected abstract void AnalyzeContract(
        INamedTypeSymbol contract,
        ITypeSymbol? jsonContext,
        ImmutableArray<ContractTypeUsage> usages,
        KnownTypeSymbols known,
        Action<Diagnostic> reportDiagnostic,
        CancellationToken cancellationToken);

    private void AnalyzeInterface(SymbolAnalysisContext context, KnownTypeSymbols known)
    {
        if (context.Symbol is not INamedTypeSymbol { TypeKind: TypeKind.Interface, IsGenericType: false } contract)
        {
            return;
        }

        foreach (var attribute in contract.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, known.ContractAttribute))
            {
                var usages = GetUsages(contract, known, fallbackLocation: contract.Locations.FirstOrDefault(), context.CancellationToken);
                AnalyzeContract(contract, GetJsonContext(attribute), usages, known, context.ReportDiagnostic, context.CancellationToken);
                return;
            }
        }
    }

    private void AnalyzeAssemblyAttribute(SyntaxNodeAnalysisContext context, KnownTypeSymbols known)
    {
        var syntax = (AttributeSyntax)context.Node;
        if (syntax.Parent is not AttributeListSyntax { Target.Identifier.RawKind: (int)SyntaxKind.AssemblyKeyword })
        {
            return;
        }

        if (context.SemanticModel.GetSymbolInfo(syntax, context.CancellationToken).Symbol is not IMethodSymbol constructor ||
            !SymbolEqualityComparer.Default.Equals(constructor.ContainingType, known.ContractForAttribute))
        {
            return;
        }

        var attribute = context.Compilation.Assembly.GetAttributes().FirstOrDefault(a =>
            a.ApplicationSyntaxReference is { } reference &&
            reference.SyntaxTree == syntax.SyntaxTree &&
            reference.Span == syntax.Span);

        if (attribute is not { ConstructorArguments: [{ Value: INamedTypeSymbol { TypeKind: TypeKind.Interface, IsGenericType: false } contract }] })
        {
            // Not an interface, or generic: the generator reports it (TSIO0008, TSIO0012).
            return;
        }

        // The contract may live in another assembly: everything is reported on the attribute that names it.
        var usages = GetUsages(contract, known, fallbackLocation: syntax.GetLocation(), context.CancellationToken, alwaysFallback: true);
        AnalyzeContract(contract, GetJsonContext(attribute), usages, known, context.ReportDiagnostic, context.CancellationToken);
    }

    private static ITypeSymbol? GetJsonContext(AttributeData attribute)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == KnownTypeSymbols.JsonContextPropertyName)
            {
                return argument.Value.Value as ITypeSymbol;
            }
        }

        return null;
    }

    private static ImmutableArray<ContractTypeUsage> GetUsages(
        INamedTypeSymbol contract,
        KnownTypeSymbols known,
        Location? fallbackLocation,
        CancellationToken cancellationToken,
        bool alwaysFallback = false)
    {
        var builder = ImmutableArray.CreateBuilder<ContractTypeUsage>();
        var reportedAtFallback = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);

        foreach (var type in new[] { contract }.Concat(contract.AllInterfaces))
        {
            var declaredHere = !alwaysFallback && SymbolEqualityComparer.Default.Equals(type, contract);
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Generic methods, by-ref parameters and unsupported return types are the generator's (TSIO0004, 0005, 0007).
                if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, IsGenericMethod: false } method)
                {
                    continue;
                }

                var methodSyntax = declaredHere
                    ? method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as MethodDeclarationSyntax
                    : null;

                foreach (var parameter in method.Parameters)
                {
                    if (parameter.RefKind == RefKind.None && NeedsContext(parameter.Type, known))
                    {
                        var parameterSyntax = methodSyntax is null
                            ? null
                            : parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
                        Add(parameter.Type, method, parameterSyntax?.GetLocation());
                    }
                }

                if (known.GetAckResultType(method.ReturnType) is { } result)
                {
                    if (KnownTypeSymbols.GetTupleAckValues(result) is { } values)
                    {
                        // A tuple is the acknowledgement's arguments: each element is serialized on its own.
                        for (var i = 0; i < values.Length; i++)
                        {
                            if (NeedsContext(values[i], known))
                            {
                                Add(values[i], method, GetTupleElementLocation(methodSyntax?.ReturnType, i, values.Length) ?? methodSyntax?.ReturnType.GetLocation());
                            }
                        }
                    }
                    else if (!KnownTypeSymbols.IsUnsupportedTupleAck(result) && NeedsContext(result, known))
                    {
                        Add(result, method, methodSyntax?.ReturnType.GetLocation());
                    }
                }
            }
        }

        return builder.ToImmutable();

        void Add(ITypeSymbol type, IMethodSymbol method, Location? location)
        {
            if (location is not null)
            {
                builder.Add(new ContractTypeUsage(type, method, location));
            }
            else if (fallbackLocation is not null && reportedAtFallback.Add(type))
            {
                // Several usages in a contract that is not in source, or in a base interface: one report per type.
                builder.Add(new ContractTypeUsage(type, method, fallbackLocation));
            }
        }
    }

    /// <summary>The type of element <paramref name="index"/> of the tuple in <c>Task&lt;(…)&gt;</c>, when the return type is written so.</summary>
    private static Location? GetTupleElementLocation(TypeSyntax? returnType, int index, int count)
    {
        var generic = returnType switch
        {
            GenericNameSyntax name => name,
            QualifiedNameSyntax { Right: GenericNameSyntax name } => name,
            AliasQualifiedNameSyntax { Name: GenericNameSyntax name } => name,
            _ => null,
        };

        return generic?.TypeArgumentList.Arguments is [TupleTypeSyntax tuple] && tuple.Elements.Count == count
            ? tuple.Elements[index].Type.GetLocation()
            : null;
    }

    private static bool NeedsContext(ITypeSymbol type, KnownTypeSymbols known) =>
        type.TypeKind is not (TypeKind.Error or TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer) &&
        !known.IsCancellationToken(type) &&
        !known.IsPrimitive(type);
}
