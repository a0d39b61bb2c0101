namespace TypedSocketIO.Generators.Model;

/// <summary>A named, typed value in TypeScript: an event argument, an acknowledgement value or a DTO property.</summary>
/// <param name="Name">The name: a parameter name (a valid TypeScript identifier) or a JSON property name (quoted by the emitter when needed).</param>
/// <param name="Type">The TypeScript type expression, references to model types marked as <see cref="TypeScriptDeclarationsSpec"/> says.</param>
/// <param name="IsOptional">Whether the member may be missing (<c>name?: T</c>): a DTO property System.Text.Json leaves out when null or default.</param>
internal sealed record TypeScriptValueSpec(string Name, string Type, bool IsOptional)
{
    /// <summary>For a DTO property: its XML <c>&lt;summary&gt;</c> as plain text, or <see langword="null"/>.</summary>
    public string? Documentation { get; init; }
}
