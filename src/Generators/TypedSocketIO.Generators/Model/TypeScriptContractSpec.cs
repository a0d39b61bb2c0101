using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>One contract interface as a TypeScript events map (<c>{ eventName: (args…, callback?) =&gt; void }</c>).</summary>
/// <param name="ContractTypeName">The interface's C# name without <c>global::</c>, e.g. <c>Chat.Contracts.IChatServer</c>.</param>
/// <param name="InterfaceName">The events map's TypeScript name, e.g. <c>ChatServerEvents</c>.</param>
/// <param name="Documentation">The interface's XML <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</param>
/// <param name="Events">The contract's events, in declaration order (its own first, then inherited ones).</param>
internal sealed record TypeScriptContractSpec(
    string ContractTypeName,
    string InterfaceName,
    string? Documentation,
    EquatableArray<TypeScriptEventSpec> Events);
