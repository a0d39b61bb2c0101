using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators;

/// <summary>
/// Generates, for each Socket.IO contract interface, the typed emitters, listeners, dispatcher and C# 14 extension
/// members that let a socket send and receive that contract's events with no reflection.
/// </summary>
/// <remarks>
/// Contracts are found by <c>[SocketIOContract]</c> on an interface of this project, or by
/// <c>[assembly: SocketIOContractFor(typeof(…))]</c> for an interface the user cannot annotate.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class SocketIOGenerator : IIncrementalGenerator
{
    /// <summary>Test hook: called with each model just before it is emitted.</summary>
    internal Action<ContractSpec>? OnSourceEmitting { get; init; }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ContractParseResult> annotated = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeSymbols.ContractAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (context, cancellationToken) => InvariantCulture(() => Parser.ParseAnnotated(context, cancellationToken)))
            .WithTrackingName(TrackingNames.Contract);

        IncrementalValuesProvider<EquatableArray<ContractParseResult>> fromAssembly = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypeSymbols.ContractForAttributeName,
                static (node, _) => node is CompilationUnitSyntax,
                static (context, cancellationToken) => InvariantCulture(() => Parser.ParseAssemblyAttributes(context, cancellationToken)))
            .WithTrackingName(TrackingNames.AssemblyContracts);

        // Source: only the model reaches the emitter, so a diagnostic moving (an edit above it) re-emits nothing.
        IncrementalValuesProvider<ContractSpec?> annotatedSpecs = annotated
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.ContractSpec);
        context.RegisterSourceOutput(annotatedSpecs, EmitSource);

        // The same interface may be named by several assembly attributes, in several files: emit it once.
        IncrementalValuesProvider<ContractSpec> assemblySpecs = fromAssembly
            .SelectMany(static (results, _) => results.Items)
            .Select(static (result, _) => result.Spec)
            .Where(static spec => spec is not null)
            .Collect()
            .SelectMany(static (specs, _) => Deduplicate(specs!))
            .WithTrackingName(TrackingNames.AssemblyContractSpecs);
        context.RegisterSourceOutput(assemblySpecs, EmitSource);

        // Diagnostics: raw Diagnostic objects with their real locations, so #pragma and .editorconfig apply
        // (see dotnet/runtime#92509 for what trimmed locations broke). Re-run on every change of position; cheap.
        context.RegisterSourceOutput(annotated, static (context, result) => ReportDiagnostics(context, result.Diagnostics));
        context.RegisterSourceOutput(fromAssembly, static (context, results) =>
        {
            foreach (ContractParseResult result in results)
            {
                ReportDiagnostics(context, result.Diagnostics);
            }
        });

        InitializeTypeScript(context);
    }

    private void EmitSource(SourceProductionContext context, ContractSpec? spec)
    {
        if (spec is null)
        {
            return;
        }

        OnSourceEmitting?.Invoke(spec);
        InvariantCulture(() =>
        {
            foreach ((string hintName, string source) in Emitter.Emit(spec, context.CancellationToken))
            {
                context.AddSource(hintName, source);
            }

            return 0;
        });
    }

    private static void ReportDiagnostics(SourceProductionContext context, EquatableArray<Diagnostic> diagnostics)
    {
        foreach (Diagnostic diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
    }

    private static IEnumerable<ContractSpec> Deduplicate(ImmutableArray<ContractSpec> specs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ContractSpec spec in specs)
        {
            if (seen.Add(spec.HintNamePrefix))
            {
                yield return spec;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> under the invariant culture, so no user's culture (a U+2212 minus sign in fi-FI,
    /// a dotted capital I in tr-TR) leaks into parsed names or generated literals.
    /// </summary>
    private static T InvariantCulture<T>(Func<T> work)
    {
#pragma warning disable RS1035 // The culture is set back before returning; this is the documented way to pin it.
        CultureInfo original = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return work();
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
#pragma warning restore RS1035
    }
}
