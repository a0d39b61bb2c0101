using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>The TypeScript declarations of a whole project: every contract's events and every type they carry.</summary>
/// <remarks>
/// Like <see cref="ContractSpec"/>, the model is a cache key of the incremental pipeline: strings, booleans and
/// <see cref="EquatableArray{T}"/> of other model records only, never a symbol, a syntax node or a compilation.
/// Type expressions name the model's own types by key between <see cref="TypeReferenceStart"/> and
/// <see cref="TypeReferenceEnd"/>; the emitter gives each key its TypeScript name once it has seen them all.
/// </remarks>
/// <param name="Contracts">The contracts, ordered by their fully qualified C# name.</param>
/// <param name="Types">The DTOs and enums the contracts carry, in order of first use.</param>
/// <param name="ServerToClient">C# name of the contract whose events the server sends (<c>ServerToClientEvents</c>), or <see langword="null"/>.</param>
/// <param name="ClientToServer">C# name of the contract whose events the client sends (<c>ClientToServerEvents</c>), or <see langword="null"/>.</param>
/// <param name="Unresolved">The direction properties whose value names no contract, as (MSBuild property, value) pairs.</param>
internal sealed record TypeScriptDeclarationsSpec(
    EquatableArray<TypeScriptContractSpec> Contracts,
    EquatableArray<TypeScriptTypeSpec> Types,
    string? ServerToClient,
    string? ClientToServer,
    EquatableArray<TypeScriptUnresolvedSpec> Unresolved)
{
    /// <summary>Starts a reference to a type of <see cref="Types"/> inside a type expression.</summary>
    public const char TypeReferenceStart = '\u0001';

    /// <summary>Ends a reference to a type of <see cref="Types"/> inside a type expression.</summary>
    public const char TypeReferenceEnd = '\u0002';
}
