using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators.Tests;

/// <summary>Builds test compilations against .NET 10 and the real TypedSocketIO.Core, and runs the generator on them.</summary>
internal static class CompilationHelper
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp14, DocumentationMode.Diagnose);

    private static readonly ImmutableArray<MetadataReference> s_references =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(SocketIOContractAttribute).Assembly.Location),
    ];

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(ParseOptions, sources);

    public static CSharpCompilation CreateCompilation(CSharpParseOptions options, params string[] sources) =>
        CSharpCompilation.Create(
            "Contracts",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, options, path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static SyntaxTree ParseSource(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path: path);

    public static GeneratorDriver CreateDriver(SocketIOGenerator? generator = null, CSharpParseOptions? options = null) =>
        CSharpGeneratorDriver.Create(
            [(generator ?? new SocketIOGenerator()).AsSourceGenerator()],
            parseOptions: options ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result, the compilation with the generated sources, and the captured models.</summary>
    public static GeneratorResult Run(Compilation compilation, CSharpParseOptions? options = null)
    {
        var specs = new List<ContractSpec>();
        GeneratorDriver driver = CreateDriver(new SocketIOGenerator { OnSourceEmitting = specs.Add }, options)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Null(run.Exception);
        return new GeneratorResult(run, output, diagnostics, specs);
    }

    /// <summary>Every diagnostic of <paramref name="compilation"/>, warnings included, as text for an assertion message.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}

internal sealed record GeneratorResult(
    GeneratorRunResult Run, Compilation OutputCompilation, ImmutableArray<Diagnostic> Diagnostics, List<ContractSpec> Specs);
