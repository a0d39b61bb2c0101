using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Generators.Helpers;

/// <summary>The well-known types the parser compares against, resolved once per parse.</summary>
internal sealed class KnownTypeSymbols
{
    public const string ContractAttributeName = "TypedSocketIO.SocketIOContractAttribute";
    public const string ContractForAttributeName = "TypedSocketIO.SocketIOContractForAttribute";
    public const string EventAttributeName = "TypedSocketIO.EventAttribute";

    public KnownTypeSymbols(Compilation compilation)
    {
        Compilation = compilation;
        ContractAttribute = compilation.GetTypeByMetadataName(ContractAttributeName);
        EventAttribute = compilation.GetTypeByMetadataName(EventAttributeName);
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        Guid = compilation.GetTypeByMetadataName("System.Guid");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        ReadOnlyMemoryOfT = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        JsonElement = compilation.GetTypeByMetadataName("System.Text.Json.JsonElement");
        JsonNode = compilation.GetTypeByMetadataName("System.Text.Json.Nodes.JsonNode");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? ContractAttribute { get; }

    public INamedTypeSymbol? EventAttribute { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? ReadOnlyMemoryOfT { get; }

    public INamedTypeSymbol? JsonElement { get; }

    public INamedTypeSymbol? JsonNode { get; }
}
