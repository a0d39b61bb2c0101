using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSocketIO.Diagnostics;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

public sealed partial class SocketIOGenerator
{
    /// <summary>Test hook: called with the TypeScript model just before it is emitted.</summary>
    internal System.Action<TypeScriptDeclarationsSpec>? OnTypeScriptEmitting { get; init; }

    /// <summary>
    /// The TypeScript declarations, generated only when the project sets <c>TypedSocketIOTypeScriptOutput</c> (off by
    /// default, and then nothing but a string compare runs). The contracts are found by the same attribute as the C#
    /// output, but the step keeps only their names; with the option on, one step reads the contracts and every type
    /// they carry from the compilation into an equatable model, so the source is re-emitted only when the model changes.
    /// </summary>
    private void InitializeTypeScript(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<TypeScriptOptionsSpec> options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => ReadTypeScriptOptions(provider.GlobalOptions))
            .WithTrackingName(TrackingNames.TypeScriptOptions);

        IncrementalValueProvider<ImmutableArray<string>> contractNames = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeSymbols.ContractAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (context, _) => TypeScriptParser.ContractMetadataName((INamedTypeSymbol)context.TargetSymbol))
            .Collect();

        IncrementalValueProvider<TypeScriptDeclarationsSpec?> declarations = contractNames
            .Combine(options)
            .Combine(context.CompilationProvider)
            .Select(static (input, cancellationToken) =>
            {
                ((ImmutableArray<string> names, TypeScriptOptionsSpec typeScript), Compilation compilation) = input;
                return typeScript.Enabled
                    ? InvariantCulture(() => TypeScriptParser.Parse(compilation, names, typeScript, cancellationToken))
                    : null;
            })
            .WithTrackingName(TrackingNames.TypeScript);

        context.RegisterSourceOutput(declarations, EmitTypeScript);
        InitializeContractVersions(context, contractNames);
    }

    private void EmitTypeScript(SourceProductionContext context, TypeScriptDeclarationsSpec? spec)
    {
        if (spec is null)
        {
            return;
        }

        OnTypeScriptEmitting?.Invoke(spec);
        foreach (TypeScriptUnresolvedSpec unresolved in spec.Unresolved)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TypeScriptContractNotFound, Location.None, unresolved.PropertyName, unresolved.Value, unresolved.AliasName));
        }

        string source = InvariantCulture(() => TypeScriptEmitter.EmitSource(spec, context.CancellationToken));
        context.AddSource(TypeScriptEmitter.HintName, source);
    }

    private static TypeScriptOptionsSpec ReadTypeScriptOptions(AnalyzerConfigOptions options)
    {
        if (!options.TryGetValue("build_property." + TypeScriptOptionsSpec.OutputProperty, out string? output) || string.IsNullOrWhiteSpace(output))
        {
            return TypeScriptOptionsSpec.Disabled;
        }

        return new TypeScriptOptionsSpec(true, Read(TypeScriptOptionsSpec.ServerToClientProperty), Read(TypeScriptOptionsSpec.ClientToServerProperty));

        string? Read(string property) =>
            options.TryGetValue("build_property." + property, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }
}
