using TypedSocketIO.Generators.Helpers;

namespace TypedSocketIO.Generators.Model;

/// <summary>A .NET type carried by the contracts, as a TypeScript interface (objects) or type alias (enums).</summary>
/// <param name="Key">
/// Identity of the type's JSON shape: its C# name plus the System.Text.Json options that shape it (naming policy,
/// enum converter, ignore conditions), so one .NET type under two different JSON contexts gives two TypeScript types.
/// </param>
/// <param name="BaseName">The TypeScript name the type would like, e.g. <c>ChatMessage</c> or <c>PageOfChatMessage</c>; the emitter adds a number on a clash.</param>
/// <param name="CSharpName">The C# type without <c>global::</c>, for the doc comment.</param>
/// <param name="AliasOf">For an alias (an enum): the aliased type expression, e.g. <c>"Red" | "Green"</c>; <see langword="null"/> for an interface.</param>
/// <param name="Properties">For an interface: its JSON properties, in System.Text.Json's order.</param>
/// <param name="HasExtensionData">Whether the type has a <c>[JsonExtensionData]</c> member: any other property may appear.</param>
internal sealed record TypeScriptTypeSpec(
    string Key,
    string BaseName,
    string CSharpName,
    string? AliasOf,
    EquatableArray<TypeScriptValueSpec> Properties,
    bool HasExtensionData)
{
    /// <summary>The type's XML <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</summary>
    public string? Documentation { get; init; }
}
