using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>One contract interface, as the emitter needs it to write every generated file of that contract.</summary>
/// <remarks>
/// The model is the incremental pipeline's cache key: it holds only strings, booleans, enums and
/// <see cref="EquatableArray{T}"/> of other model records, never an <c>ISymbol</c>, <c>SyntaxNode</c>,
/// <c>Location</c>, <c>SemanticModel</c> or <c>Compilation</c>. A symbol would keep a whole compilation alive
/// between edits and would make two equal models compare unequal, so the emitter would run on every keystroke.
/// </remarks>
/// <param name="Namespace">Namespace of the contract, where the generated types go; empty for the global namespace.</param>
/// <param name="ContractName">Simple name of the interface, e.g. <c>IChatClient</c>.</param>
/// <param name="ContractTypeName">Fully qualified interface, e.g. <c>global::Chat.Contracts.IChatClient</c>.</param>
/// <param name="TypeNamePrefix">Prefix of the generated type names: the interface name without its leading <c>I</c>, e.g. <c>ChatClient</c>.</param>
/// <param name="HintNamePrefix">Prefix of the generated file names, unique in the compilation, e.g. <c>Chat.Contracts.IChatClient</c>.</param>
/// <param name="IsPublic">Whether the contract is visible outside its assembly; the generated types are then public, else internal.</param>
/// <param name="JsonContextTypeName">Fully qualified <c>JsonSerializerContext</c> named by the attribute, or <see langword="null"/>.</param>
/// <param name="Events">The contract's methods, in declaration order (the contract's own first, then inherited ones).</param>
/// <param name="TypeInfos">One entry per distinct argument or acknowledgement type, in order of first use.</param>
internal sealed record ContractSpec(
    string Namespace,
    string ContractName,
    string ContractTypeName,
    string TypeNamePrefix,
    string HintNamePrefix,
    bool IsPublic,
    string? JsonContextTypeName,
    EquatableArray<EventSpec> Events,
    EquatableArray<TypeInfoSpec> TypeInfos);
