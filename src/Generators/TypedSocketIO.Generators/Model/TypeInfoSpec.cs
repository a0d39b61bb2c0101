namespace TypedSocketIO.Generators.Model;

/// <summary>One <c>JsonTypeInfo&lt;T&gt;</c> of a contract's metadata class.</summary>
/// <param name="MemberName">Name of the member, e.g. <c>ChatMessageTypeInfo</c>.</param>
/// <param name="TypeName">Fully qualified type without a top-level nullable reference annotation: the <c>T</c> of <c>JsonTypeInfo&lt;T&gt;</c>.</param>
/// <param name="PrimitiveName">Name of the <c>SocketIOPrimitiveTypeInfo</c> member for a primitive (no JSON context needed), else <see langword="null"/>.</param>
internal sealed record TypeInfoSpec(
    string MemberName,
    string TypeName,
    string? PrimitiveName);
