using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>One event of a contract as a member of a TypeScript events map.</summary>
/// <param name="WireName">Event name on the wire, the member's key, e.g. <c>sendMessage</c>.</param>
/// <param name="MethodName">The C# method, for the doc comment, e.g. <c>SendMessage</c>.</param>
/// <param name="Documentation">The method's XML <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</param>
/// <param name="Arguments">The event's arguments in wire order (the <c>CancellationToken</c> left out).</param>
/// <param name="HasAck">Whether the event expects an acknowledgement: the listener's last argument is then a callback.</param>
/// <param name="AckValues">The acknowledgement's arguments, the callback's parameters (none for an empty acknowledgement).</param>
internal sealed record TypeScriptEventSpec(
    string WireName,
    string MethodName,
    string? Documentation,
    EquatableArray<TypeScriptValueSpec> Arguments,
    bool HasAck,
    EquatableArray<TypeScriptValueSpec> AckValues);
