using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>The acknowledgement an event expects: the <c>T</c> of its <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c>, as the values of the ack.</summary>
/// <param name="TypeName">
/// The result type as generated code writes it: the value's type (<c>global::Chat.JoinResult</c>), the tuple
/// (<c>(string Text, int Count)</c>, element names kept) or <c>global::System.ValueTuple</c> for an empty acknowledgement.
/// </param>
/// <param name="IsTuple">
/// Whether the result is a <c>ValueTuple</c>: its elements are then the acknowledgement's arguments in order (none for
/// <c>ValueTuple</c>, 2 to 7 for <c>(T1, …, T7)</c>); otherwise the result is the one value of <paramref name="Values"/>, argument 0.
/// </param>
/// <param name="Values">The acknowledgement's arguments, in order: one for a plain <c>T</c>, a tuple's elements, or none.</param>
internal sealed record AckSpec(
    string TypeName,
    bool IsTuple,
    EquatableArray<ValueSpec> Values)
{
    /// <summary>Whether the acknowledgement carries no argument (<c>Task&lt;ValueTuple&gt;</c>, on the wire <c>3N[]</c>).</summary>
    public bool IsEmpty => Values.Count == 0;
}
