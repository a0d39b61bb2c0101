using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TypedSocketIO.Generators.Tests;

/// <summary>The generator's steps stay cached across edits that do not change a contract, and re-run on ones that do.</summary>
public sealed class IncrementalTests
{
    private const string Contract = """
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat.Contracts;

        [SocketIOContract]
        public interface IChatServer
        {
            void SendMessage(string text);
            Task<bool> Join(string room);
            Task<(string Room, int Members)> Info(string room);
            ValueTask<System.ValueTuple> Ping();
        }

        public static class Helpers
        {
            public static int Answer() => 42;
        }
        """;

    private const string FallbackContract = """
        using TypedSocketIO;

        [assembly: SocketIOContractFor(typeof(Vendor.IVendorEvents))]

        namespace Vendor
        {
            public interface IVendorEvents
            {
                void Ping(int at);
            }
        }
        """;

    private const string Other = """
        namespace Chat.Server;

        public sealed class Service
        {
            public int Work() => 1;
        }
        """;

    [Fact]
    public void SameCompilation_EveryStepCached()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);
        AssertReasons(driver, IncrementalStepRunReason.New);

        driver = driver.RunGenerators(compilation);
        AssertReasons(driver, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void NewUnrelatedFile_ContractStepsCachedOrUnchanged()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CompilationHelper.ParseSource(Other, "Other.cs")));
        AssertReasons(driver, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void ChangedMethodBodyInAnotherFile_ContractStepsCachedOrUnchanged()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract, Other);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        compilation = compilation.ReplaceSyntaxTree(other, CompilationHelper.ParseSource(Other.Replace("=> 1;", "=> 2 + 2;"), other.FilePath));
        driver = driver.RunGenerators(compilation);
        AssertReasons(driver, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void ChangedMethodBodyInTheContractFile_ContractStepUnchanged()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.First();
        compilation = compilation.ReplaceSyntaxTree(tree, CompilationHelper.ParseSource(Contract.Replace("=> 42;", "=> 6 * 7;"), tree.FilePath));
        driver = driver.RunGenerators(compilation);
        AssertReasons(driver, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void ChangedContract_ContractStepModified()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.First();
        compilation = compilation.ReplaceSyntaxTree(tree, CompilationHelper.ParseSource(
            Contract.Replace("void SendMessage(string text);", "void SendMessage(string text, int priority);"), tree.FilePath));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(run, TrackingNames.Contract)));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(run, TrackingNames.ContractSpec)));
        // The other contract, named by an assembly attribute in another file, is untouched.
        Assert.All(Outputs(run, TrackingNames.AssemblyContracts), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void ChangedTupleElementName_ContractStepModified()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);

        // Element names are part of the generated signatures: a rename is a contract change.
        SyntaxTree tree = compilation.SyntaxTrees.First();
        compilation = compilation.ReplaceSyntaxTree(tree, CompilationHelper.ParseSource(
            Contract.Replace("int Members)", "int Count)"), tree.FilePath));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(run, TrackingNames.ContractSpec)));
    }

    [Fact]
    public void ChangedFallbackContract_AssemblyStepModified()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Contract, FallbackContract);
        GeneratorDriver driver = CompilationHelper.CreateDriver().RunGenerators(compilation);

        SyntaxTree tree = compilation.SyntaxTrees.Last();
        compilation = compilation.ReplaceSyntaxTree(tree, CompilationHelper.ParseSource(
            FallbackContract.Replace("void Ping(int at);", "void Ping(long at);"), tree.FilePath));
        driver = driver.RunGenerators(compilation);

        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(run, TrackingNames.AssemblyContracts)));
        Assert.Contains(IncrementalStepRunReason.Modified, Outputs(run, TrackingNames.AssemblyContractSpecs));
    }

    private static void AssertReasons(GeneratorDriver driver, params IncrementalStepRunReason[] allowed)
    {
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        foreach (string step in new[] { TrackingNames.Contract, TrackingNames.ContractSpec, TrackingNames.AssemblyContracts, TrackingNames.AssemblyContractSpecs })
        {
            IncrementalStepRunReason[] reasons = Outputs(run, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.True(allowed.Contains(reason), $"{step}: {reason}, expected one of {string.Join(", ", allowed)}"));
        }
    }

    private static IncrementalStepRunReason[] Outputs(GeneratorRunResult run, string step) =>
        run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
}
