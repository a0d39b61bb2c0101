using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace TypedSocketIO.Analyzers.Tests;

/// <summary>How every test compilation is built: .NET 10 reference assemblies from a package, the real TypedSocketIO.Core.</summary>
internal static class TestSetup
{
    /// <summary>No reference pack to resolve (so nothing is downloaded): the references are added explicitly.</summary>
    public static readonly ReferenceAssemblies NoReferenceAssemblies = new("net10.0");

    public static readonly IReadOnlyList<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(SocketIOContractAttribute).Assembly.Location),
    ];

    public static void Apply(SolutionState state, ICollection<Func<Solution, ProjectId, Solution>> solutionTransforms)
    {
        state.AdditionalReferences.AddRange(References);
        solutionTransforms.Add(static (solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = (CSharpCompilationOptions)project.CompilationOptions!;
            var parseOptions = (CSharpParseOptions)project.ParseOptions!;
            return solution
                .WithProjectCompilationOptions(projectId, options.WithNullableContextOptions(NullableContextOptions.Enable))
                .WithProjectParseOptions(projectId, parseOptions.WithLanguageVersion(LanguageVersion.Latest));
        });
    }
}

/// <summary>An analyzer test over <see cref="TestSetup"/>'s compilation.</summary>
internal sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest(params string[] sources)
    {
        ReferenceAssemblies = TestSetup.NoReferenceAssemblies;
        TestSetup.Apply(TestState, SolutionTransforms);
        foreach (var source in sources)
        {
            TestState.Sources.Add(source);
        }
    }

    public static Task RunAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<TAnalyzer>(sources);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

/// <summary>A code fix test over <see cref="TestSetup"/>'s compilation.</summary>
internal sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest()
    {
        ReferenceAssemblies = TestSetup.NoReferenceAssemblies;
        TestSetup.Apply(TestState, SolutionTransforms);
    }
}
