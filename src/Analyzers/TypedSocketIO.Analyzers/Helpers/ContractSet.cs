using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Analyzers.Helpers;

/// <summary>
/// Tells whether an interface is a contract: it carries <c>[SocketIOContract]</c>, or an assembly of the compilation (this one
/// or a referenced contracts library) names it in <c>[assembly: SocketIOContractFor(typeof(I))]</c>. One per compilation.
/// </summary>
internal sealed class ContractSet
{
    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol _contractAttribute;
    private readonly Lazy<ImmutableHashSet<ITypeSymbol>> _declaredForAssembly;

    public ContractSet(Compilation compilation, INamedTypeSymbol contractAttribute)
    {
        _compilation = compilation;
        _contractAttribute = contractAttribute;
        _declaredForAssembly = new(ReadAssemblyAttributes, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool IsContract(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Interface)
        {
            return false;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _contractAttribute))
            {
                return true;
            }
        }

        return _declaredForAssembly.Value.Contains(type);
    }

    // Read only when a handler class is met, and only in assemblies that can hold the attribute: this one and those
    // referencing TypedSocketIO.Core (not the ~200 framework assemblies).
    private ImmutableHashSet<ITypeSymbol> ReadAssemblyAttributes()
    {
        var builder = ImmutableHashSet.CreateBuilder<ITypeSymbol>(SymbolEqualityComparer.Default);
        var coreName = _contractAttribute.ContainingAssembly.Name;
        var contractFor = _compilation.GetTypeByMetadataName(KnownTypeSymbols.ContractForAttributeName);
        if (contractFor is null)
        {
            return builder.ToImmutable();
        }

        foreach (var assembly in new[] { _compilation.Assembly }.Concat(_compilation.SourceModule.ReferencedAssemblySymbols))
        {
            if (!SymbolEqualityComparer.Default.Equals(assembly, _compilation.Assembly) &&
                !assembly.Modules.Any(module => module.ReferencedAssemblies.Any(identity => identity.Name == coreName)))
            {
                continue;
            }

            foreach (var attribute in assembly.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, contractFor) &&
                    attribute.ConstructorArguments is [{ Value: ITypeSymbol contract }])
                {
                    builder.Add(contract);
                }
            }
        }

        return builder.ToImmutable();
    }
}
