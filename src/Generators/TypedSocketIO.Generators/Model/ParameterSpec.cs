namespace TypedSocketIO.Generators.Model;

/// <summary>One parameter of a contract method.</summary>
/// <param name="Name">The parameter name as a C# identifier, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="IsCancellationToken">Whether this is the method's <c>CancellationToken</c>, which is never sent.</param>
/// <param name="WireIndex">Index of the argument in the event's argument list; -1 for the <c>CancellationToken</c>.</param>
/// <param name="Value">The parameter's type and how it is serialized.</param>
/// <param name="DefaultValue">C# text of the parameter's default value, or <see langword="null"/> when it has none (or none the emitter can repeat).</param>
internal sealed record ParameterSpec(
    string Name,
    bool IsCancellationToken,
    int WireIndex,
    ValueSpec Value,
    string? DefaultValue);
