namespace TypedSocketIO.Generators.Model;

/// <summary>An MSBuild property that should name a contract of the project but names none.</summary>
/// <param name="PropertyName">The MSBuild property, e.g. <c>TypedSocketIOTypeScriptServerToClient</c>.</param>
/// <param name="Value">What it says, e.g. <c>IChatCliient</c>.</param>
/// <param name="AliasName">The TypeScript type that is therefore not declared, e.g. <c>ServerToClientEvents</c>.</param>
internal sealed record TypeScriptUnresolvedSpec(string PropertyName, string Value, string AliasName);
