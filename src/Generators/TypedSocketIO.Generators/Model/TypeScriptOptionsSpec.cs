namespace TypedSocketIO.Generators.Model;

/// <summary>The MSBuild properties that switch the TypeScript declarations on and pair the contracts, as the generator reads them.</summary>
/// <param name="Enabled">Whether <c>TypedSocketIOTypeScriptOutput</c> is set: only then are the declarations generated.</param>
/// <param name="ServerToClient">The value of <c>TypedSocketIOTypeScriptServerToClient</c>, or <see langword="null"/>.</param>
/// <param name="ClientToServer">The value of <c>TypedSocketIOTypeScriptClientToServer</c>, or <see langword="null"/>.</param>
internal sealed record TypeScriptOptionsSpec(bool Enabled, string? ServerToClient, string? ClientToServer)
{
    /// <summary>The MSBuild property holding the path of the <c>.d.ts</c> file; the generator only checks that it is set.</summary>
    public const string OutputProperty = "TypedSocketIOTypeScriptOutput";

    /// <summary>The MSBuild property naming the contract whose events the server sends.</summary>
    public const string ServerToClientProperty = "TypedSocketIOTypeScriptServerToClient";

    /// <summary>The MSBuild property naming the contract whose events the client sends.</summary>
    public const string ClientToServerProperty = "TypedSocketIOTypeScriptClientToServer";

    /// <summary>The declarations are off: the default.</summary>
    public static readonly TypeScriptOptionsSpec Disabled = new(false, null, null);
}
