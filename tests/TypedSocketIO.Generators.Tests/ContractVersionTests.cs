using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TypedSocketIO.Diagnostics;

namespace TypedSocketIO.Generators.Tests;

/// <summary>
/// Contract versions (<c>TypedSocketIOContractBaseline</c>): the contracts' wire shape recorded in a baseline file, and each
/// change since that breaks an old client reported (TSIO0301–TSIO0304); TSIO0305 when the file is missing; nothing when
/// the check is off or the build rewrites the baseline.
/// </summary>
public sealed class ContractVersionTests
{
    private const string Version1 = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat.Contracts;

        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatServer
        {
            Task<JoinResult> Join(JoinRequest request);
            void SendMessage(string text);
            void Typing(bool isTyping);
            void Leave(string room);
            Task<bool> Kick(string name);
        }

        public sealed record JoinRequest(string Name, string Room);
        public sealed record JoinResult(string Room, IReadOnlyList<string> Users);

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
        public sealed class ChatJsonContext : JsonSerializerContext
        {
            public ChatJsonContext() : base(null) { }
            public static ChatJsonContext Default { get; } = new();
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    /// <summary>Version 2: Leave removed, Typing renamed on the wire, SendMessage takes an int, JoinRequest's Room renamed in JSON, Kick acks a string, Ping added.</summary>
    private static readonly string s_version2 = Version1
        .Replace("    void Leave(string room);\n", "", StringComparison.Ordinal)
        .Replace("void Typing(bool isTyping);", "[Event(\"is-typing\")] void Typing(bool isTyping);", StringComparison.Ordinal)
        .Replace("void SendMessage(string text);", "void SendMessage(int text);\n    void Ping();", StringComparison.Ordinal)
        .Replace("record JoinRequest(string Name, string Room)", "record JoinRequest(string Name, [property: JsonPropertyName(\"channel\")] string Room)", StringComparison.Ordinal)
        .Replace("Task<bool> Kick(string name);", "Task<string> Kick(string name);", StringComparison.Ordinal);

    [Fact]
    public void NoBaselineProperty_NoShapeAndNoDiagnostic()
    {
        GeneratorRunResult run = Run(Version1, baseline: null, properties: []);
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName == SocketIOGenerator.ContractShapeHintName);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void BaselineNamedButMissing_TSIO0305()
    {
        GeneratorRunResult run = Run(Version1, baseline: null, properties: new() { ["TypedSocketIOContractBaseline"] = "contracts.baseline.txt" });
        Assert.Equal(DiagnosticDescriptors.ContractBaselineMissingId, Assert.Single(run.Diagnostics).Id);
    }

    [Fact]
    public void Baseline_OneTabSeparatedLinePerEvent_DtosWrittenOut()
    {
        string baseline = Shape(Version1);
        Assert.StartsWith("# TypedSocketIO contract baseline", baseline, StringComparison.Ordinal);
        Assert.Contains("Chat.Contracts.IChatServer\tjoin\tJoin\t({name: string; room: string})\t({room: string; users: string[]})\n", baseline, StringComparison.Ordinal);
        Assert.Contains("Chat.Contracts.IChatServer\tsendMessage\tSendMessage\t(string)\t-\n", baseline, StringComparison.Ordinal);
    }

    [Fact]
    public void SameContracts_NoDiagnostic()
    {
        GeneratorRunResult run = Run(Version1, Shape(Version1), new() { ["TypedSocketIOContractBaseline"] = "contracts.baseline.txt" });
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void BreakingChanges_EachReportedOnce_AnAddedEventIsNot()
    {
        GeneratorRunResult run = Run(s_version2, Shape(Version1), new() { ["TypedSocketIOContractBaseline"] = "contracts.baseline.txt" });
        string[] messages = [.. run.Diagnostics.Select(d => d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)];
        Assert.Equal(
        [
            "TSIO0301 Event 'leave' of contract 'Chat.Contracts.IChatServer' is in the contract baseline but no longer in the contract: clients built against the baseline still send or listen for it",
            "TSIO0302 Method 'Typing' of contract 'Chat.Contracts.IChatServer' was the event 'typing' in the contract baseline and is now 'is-typing': clients built against the baseline use the old name; keep it with [Event(\"typing\")]",
            "TSIO0303 The arguments of event 'join' of contract 'Chat.Contracts.IChatServer' changed from ({name: string; room: string}) to ({name: string; channel: string}) since the contract baseline: clients built against the baseline send or expect the old ones",
            "TSIO0303 The arguments of event 'sendMessage' of contract 'Chat.Contracts.IChatServer' changed from (string) to (number) since the contract baseline: clients built against the baseline send or expect the old ones",
            "TSIO0304 The acknowledgement of event 'kick' of contract 'Chat.Contracts.IChatServer' changed from (boolean) to (string) since the contract baseline: clients built against the baseline send or expect the old one",
        ], messages);
        Assert.All(run.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void UpdatingTheBaseline_ReportsNothing()
    {
        GeneratorRunResult run = Run(s_version2, Shape(Version1), new()
        {
            ["TypedSocketIOContractBaseline"] = "contracts.baseline.txt",
            ["TypedSocketIOContractBaselineUpdate"] = "true",
        });
        Assert.Empty(run.Diagnostics);
        Assert.Contains(run.GeneratedSources, s => s.HintName == SocketIOGenerator.ContractShapeHintName);
    }

    [Fact]
    public void UnrelatedEdit_ShapeStepUnchanged()
    {
        const string Other = "namespace Chat.Server; public sealed class Service { public int Work() => 1; }";
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(Version1, Other);
        var options = new Options(new() { ["TypedSocketIOContractBaseline"] = "contracts.baseline.txt" }, baselinePath: null);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SocketIOGenerator().AsSourceGenerator()], [], CompilationHelper.ParseOptions, options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true)).RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(other, CompilationHelper.ParseSource(Other.Replace("=> 1;", "=> 2;", StringComparison.Ordinal), other.FilePath)));
        IncrementalStepRunReason[] reasons = [.. driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.ContractShape].SelectMany(s => s.Outputs).Select(o => o.Reason)];
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
    }

    /// <summary>The baseline text of <paramref name="source"/>: the generated constant, as the build writes it to the file.</summary>
    private static string Shape(string source)
    {
        GeneratorRunResult run = Run(source, baseline: null, new()
        {
            ["TypedSocketIOContractBaseline"] = "contracts.baseline.txt",
            ["TypedSocketIOContractBaselineUpdate"] = "true",
        });
        SyntaxTree tree = CSharpSyntaxTree.ParseText(
            run.GeneratedSources.Single(s => s.HintName == SocketIOGenerator.ContractShapeHintName).SourceText.ToString(), CompilationHelper.ParseOptions);
        return tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>()
            .Single(l => l.Token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)).Token.ValueText + "\n";
    }

    private static GeneratorRunResult Run(string source, string? baseline, Dictionary<string, string> properties)
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(source);
        ImmutableArray<AdditionalText> texts = baseline is null ? [] : [new InMemoryText("/project/contracts.baseline.txt", baseline)];
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new SocketIOGenerator().AsSourceGenerator()],
            texts,
            CompilationHelper.ParseOptions,
            new Options(properties, baselinePath: baseline is null ? null : "/project/contracts.baseline.txt"))
            .RunGenerators(compilation);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Null(run.Exception);
        return run;
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>MSBuild properties as <c>build_property.*</c>, and the baseline's <c>TypedSocketIOContractBaseline="true"</c> item metadata.</summary>
    private sealed class Options(Dictionary<string, string> properties, string? baselinePath) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(textFile.Path == baselinePath ? new() { ["build_metadata.AdditionalFiles.TypedSocketIOContractBaseline"] = "true" } : []);

        private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
