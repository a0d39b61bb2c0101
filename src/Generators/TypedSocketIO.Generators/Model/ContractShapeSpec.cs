using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>The wire shape of every contract of a project, as a contract baseline records it (equatable, symbol-free).</summary>
/// <param name="Lines">One line per event, ordered by contract then wire name.</param>
internal sealed record ContractShapeSpec(EquatableArray<ContractShapeLineSpec> Lines);
