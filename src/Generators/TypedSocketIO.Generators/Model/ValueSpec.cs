namespace TypedSocketIO.Generators.Model;

/// <summary>A value that travels on the wire: an event argument or one argument of an acknowledgement.</summary>
/// <param name="TypeName">Fully qualified type with its nullable annotations, e.g. <c>global::Chat.ChatMessage?</c>.</param>
/// <param name="IsNullable">Whether the C# type admits null (<c>string?</c>, <c>int?</c>): a value read for it needs no <c>!</c>.</param>
/// <param name="IsOptional">Whether the value may be null or missing on the wire, so it is read as optional: a nullable type, or a reference type of a nullable-oblivious contract.</param>
/// <param name="TypeInfoMember">Name of the <c>JsonTypeInfo&lt;T&gt;</c> member of the contract's metadata class, e.g. <c>ChatMessageTypeInfo</c>; empty for a <c>CancellationToken</c>.</param>
internal sealed record ValueSpec(
    string TypeName,
    bool IsNullable,
    bool IsOptional,
    string TypeInfoMember);
