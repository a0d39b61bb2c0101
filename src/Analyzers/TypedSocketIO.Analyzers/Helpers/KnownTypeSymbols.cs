using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Analyzers.Helpers;

/// <summary>
/// The framework types the contract analyzers compare against, resolved once per compilation.
/// </summary>
/// <remarks>
/// <see cref="Create"/> returns <see langword="null"/> when the compilation does not reference TypedSocketIO or
/// System.Text.Json: then there is nothing to check, and the analyzers register nothing.
/// </remarks>
internal sealed class KnownTypeSymbols
{
    public const string ContractAttributeName = "TypedSocketIO.SocketIOContractAttribute";
    public const string ContractForAttributeName = "TypedSocketIO.SocketIOContractForAttribute";
    public const string JsonContextPropertyName = "JsonContext";
    public const string SocketHandlerName = "TypedSocketIO.Server.SocketHandler`1";

    private readonly ConcurrentDictionary<ITypeSymbol, ImmutableHashSet<ITypeSymbol>> _serializableTypes =
        new(SymbolEqualityComparer.Default);

    private KnownTypeSymbols(
        INamedTypeSymbol contractAttribute,
        INamedTypeSymbol? contractForAttribute,
        INamedTypeSymbol jsonSerializableAttribute,
        INamedTypeSymbol jsonSerializerContext,
        Compilation compilation)
    {
        ContractAttribute = contractAttribute;
        ContractForAttribute = contractForAttribute;
        JsonSerializableAttribute = jsonSerializableAttribute;
        JsonSerializerContext = jsonSerializerContext;
        Task1 = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask1 = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        ReadOnlyMemory1 = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        Guid = compilation.GetTypeByMetadataName("System.Guid");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        JsonElement = compilation.GetTypeByMetadataName("System.Text.Json.JsonElement");
        JsonNode = compilation.GetTypeByMetadataName("System.Text.Json.Nodes.JsonNode");
    }

    /// <summary><c>[SocketIOContract]</c>.</summary>
    public INamedTypeSymbol ContractAttribute { get; }

    /// <summary><c>[assembly: SocketIOContractFor(typeof(I))]</c>, or <see langword="null"/> in an older Core.</summary>
    public INamedTypeSymbol? ContractForAttribute { get; }

    public INamedTypeSymbol JsonSerializableAttribute { get; }

    public INamedTypeSymbol JsonSerializerContext { get; }

    public INamedTypeSymbol? Task1 { get; }

    public INamedTypeSymbol? ValueTask1 { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? ReadOnlyMemory1 { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? JsonElement { get; }

    public INamedTypeSymbol? JsonNode { get; }

    public static KnownTypeSymbols? Create(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName(ContractAttributeName) is not { } contractAttribute ||
            compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializableAttribute") is not { } jsonSerializable ||
            compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext") is not { } jsonContext)
        {
            return null;
        }

        return new KnownTypeSymbols(
            contractAttribute,
            compilation.GetTypeByMetadataName(ContractForAttributeName),
            jsonSerializable,
            jsonContext,
            compilation);
    }

    /// <summary>
    /// Whether the runtime serializes <paramref name="type"/> without any user context: the list of
    /// <c>SocketIOPrimitiveTypeInfo</c> in TypedSocketIO.Core, and <see cref="Nullable{T}"/> of its value types.
    /// </summary>
    /// <remarks>The generator picks the same list (<c>SocketIOGenerator.Parser.GetPrimitiveName</c>); keep them in step.</remarks>
    public bool IsPrimitive(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            // No Nullable<ReadOnlyMemory<byte>> in the runtime's list.
            return !IsReadOnlyMemoryOfByte(nullable.TypeArguments[0]) && IsPrimitive(nullable.TypeArguments[0]);
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_Byte:
            case SpecialType.System_SByte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
            case SpecialType.System_DateTime:
                return true;
        }

        if (type is IArrayTypeSymbol { IsSZArray: true, ElementType.SpecialType: SpecialType.System_Byte })
        {
            return true;
        }

        return IsReadOnlyMemoryOfByte(type) || Is(type, Guid) || Is(type, DateTimeOffset) || Is(type, TimeSpan) || Is(type, JsonElement) || Is(type, JsonNode);
    }

    private bool IsReadOnlyMemoryOfByte(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true } generic &&
        Is(generic.OriginalDefinition, ReadOnlyMemory1) &&
        generic.TypeArguments[0].SpecialType == SpecialType.System_Byte;

    /// <summary>The <c>T</c> of a <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> return type: the acknowledgement's result.</summary>
    public ITypeSymbol? GetAckResultType(ITypeSymbol returnType) =>
        returnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named &&
        (Is(named.OriginalDefinition, Task1) || Is(named.OriginalDefinition, ValueTask1))
            ? named.TypeArguments[0]
            : null;

    /// <summary>
    /// The values of an acknowledgement whose result is a <c>ValueTuple</c>: its elements, each an argument of its own (none
    /// for <c>ValueTuple</c>, 2 to 7 for <c>(T1, …, T7)</c>); <see langword="null"/> when <paramref name="result"/> is not a tuple.
    /// A tuple is never serialized itself, so it never needs <c>[JsonSerializable]</c>.
    /// </summary>
    /// <remarks>The generator reads the same shapes (<c>SocketIOGenerator.Parser.ParseAck</c>); keep them in step.</remarks>
    public static ImmutableArray<ITypeSymbol>? GetTupleAckValues(ITypeSymbol result)
    {
        if (!IsValueTuple(result) || result is not INamedTypeSymbol { Arity: var arity } tuple || !(arity == 0 || (arity >= 2 && arity <= 7)))
        {
            return null;
        }

        return tuple.IsTupleType
            ? tuple.TupleElements.Select(static element => element.Type).ToImmutableArray()
            : tuple.TypeArguments;
    }

    /// <summary>
    /// Whether <paramref name="result"/> is a tuple the generator rejects as an acknowledgement (TSIO0007): one element, more
    /// than 7 (<c>TRest</c>), or a nullable tuple.
    /// </summary>
    public static bool IsUnsupportedTupleAck(ITypeSymbol result) =>
        result is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? IsValueTuple(nullable.TypeArguments[0])
            : IsValueTuple(result) && GetTupleAckValues(result) is null;

    /// <summary>Whether <paramref name="type"/> is <c>System.ValueTuple</c> or one of its generic forms (<c>(T1, T2)</c> included).</summary>
    private static bool IsValueTuple(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "ValueTuple", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    public bool IsCancellationToken(ITypeSymbol type) => Is(type, CancellationToken);

    /// <summary>Whether <paramref name="type"/> derives from <c>JsonSerializerContext</c>.</summary>
    public bool IsJsonContext(ITypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (Is(current, JsonSerializerContext))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The types <paramref name="jsonContext"/> and its base classes name in <c>[JsonSerializable(typeof(T))]</c>, read once
    /// per context (a context is shared by many contracts; this object lives as long as one compilation).
    /// </summary>
    public ImmutableHashSet<ITypeSymbol> GetSerializableTypes(ITypeSymbol jsonContext) =>
        _serializableTypes.GetOrAdd(jsonContext, context =>
        {
            var builder = ImmutableHashSet.CreateBuilder<ITypeSymbol>(SymbolEqualityComparer.Default);
            for (var type = context; type is not null && !Is(type, JsonSerializerContext); type = type.BaseType)
            {
                foreach (var attribute in type.GetAttributes())
                {
                    if (Is(attribute.AttributeClass, JsonSerializableAttribute) &&
                        attribute.ConstructorArguments is [{ Value: ITypeSymbol serializable }])
                    {
                        builder.Add(serializable);
                    }
                }
            }

            return builder.ToImmutable();
        });

    private static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        known is not null && SymbolEqualityComparer.Default.Equals(type, known);
}
