using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Analyzers.Helpers;

/// <summary>One type a contract sends or receives that needs a <c>JsonTypeInfo</c> from a JSON context.</summary>
/// <param name="Type">The argument type, or the <c>T</c> of an acknowledgement's <c>Task&lt;T&gt;</c>.</param>
/// <param name="Method">The contract method that uses it.</param>
/// <param name="Location">Where to report: the parameter, the return type, or the contract when neither is in source.</param>
internal readonly record struct ContractTypeUsage(ITypeSymbol Type, IMethodSymbol Method, Location Location);
