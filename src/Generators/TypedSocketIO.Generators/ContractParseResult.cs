using Microsoft.CodeAnalysis;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

/// <summary>What the parser makes of one contract: the model to emit (none when an error blocks it) and the diagnostics to report.</summary>
/// <remarks>
/// The diagnostics travel beside the model, never inside it: the pipeline splits the two, so the emitter's
/// input is the symbol-free model alone, while the diagnostics keep their real source locations and so can be
/// suppressed with <c>#pragma warning disable</c> (dotnet/runtime#92509 is what trimmed locations broke).
/// </remarks>
/// <param name="Spec">The contract's model, or <see langword="null"/> when a diagnostic blocks generation.</param>
/// <param name="Diagnostics">Diagnostics to report, in source order.</param>
internal sealed record ContractParseResult(ContractSpec? Spec, EquatableArray<Diagnostic> Diagnostics);
