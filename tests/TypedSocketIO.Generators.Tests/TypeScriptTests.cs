using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TypedSocketIO.Diagnostics;
using TypedSocketIO.Generators.Helpers;
using TypedSocketIO.Generators.Model;

namespace TypedSocketIO.Generators.Tests;

/// <summary>
/// The TypeScript declarations (<c>TypedSocketIOTypeScriptOutput</c>): off by default, their text against baselines
/// (<c>Baselines/TypeScript/{Test}.d.ts</c>, rewritten by <c>TSIO_UPDATE_BASELINES=1</c>), the C# file that carries them
/// compiles cleanly, TSIO0300, and the step's caching. That the text type-checks socket.io-client calls is proven by tsc
/// in tests/TypedSocketIO.TypeScript.Tests.
/// </summary>
public sealed class TypeScriptTests
{
    private const string ChatContracts = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat.Contracts;

        /// <summary>The events a chat client sends to the server.</summary>
        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatServer
        {
            /// <summary>Enters a room; the acknowledgement lists who is there (see <see cref="JoinResult.Users"/>).</summary>
            Task<JoinResult> Join(JoinRequest request);
            void SendMessage(string text);
            [Event("typing")] void Typing(bool isTyping);
        }

        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatClient
        {
            void Message(ChatMessage message);
            [Event("typing")] void Typing(TypingNotice notice);
            Task<bool> ConfirmLeave(string room);
        }

        public sealed record JoinRequest(string Name, string Room);
        public sealed record JoinResult(string Room, IReadOnlyList<string> Users, IReadOnlyList<ChatMessage> Recent);
        /// <summary>Something someone said.</summary>
        public sealed record ChatMessage(string Author, string Text, DateTimeOffset SentAt)
        {
            /// <summary>When the server received it: an ISO 8601 <c>string</c>.</summary>
            public DateTimeOffset SentAt { get; init; } = SentAt;
        }
        public sealed record TypingNotice(string Name, bool IsTyping);

        [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
        public sealed class ChatJsonContext : JsonSerializerContext
        {
            public ChatJsonContext() : base(null) { }
            public static ChatJsonContext Default { get; } = new();
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    private const string ShapesContracts = """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Nodes;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSocketIO;

        [assembly: SocketIOContractFor(typeof(Shapes.IVendorEvents), JsonContext = typeof(Shapes.ShapesJsonContext))]

        namespace Shapes;

        [SocketIOContract(JsonContext = typeof(ShapesJsonContext))]
        public interface IShapeServer
        {
            void Upload(string name, byte[] data, ReadOnlyMemory<byte>? thumbnail);
            Task<(string Id, int Size)> Store(Document document, CancellationToken cancellationToken);
            ValueTask<ValueTuple> Ping();
            Task<Page<Document>?> List(int? page, Color color, Status status);
            [Event("user-left")] void UserLeft(string @class, Guid id, DateTime at, TimeSpan after, long count, decimal amount, char initial);
            void Raw(JsonElement element, JsonObject json, object anything, Dictionary<string, int[]> counts, HashSet<Color> colors);
        }

        public interface IVendorEvents
        {
            void Tree(Node root);
        }

        public enum Color { Red, Green = 5, Blue }

        [JsonConverter(typeof(JsonStringEnumConverter<Status>))]
        public enum Status { Draft, [JsonStringEnumMemberName("published!")] Published }

        [Flags]
        public enum Access { None = 0, Read = 1, Write = 2 }

        public class Entity
        {
            public string EntityId { get; set; } = "";
        }

        public sealed class Document : Entity
        {
            public string Title { get; init; } = "";
            [JsonPropertyName("body-text")] public string? BodyText { get; init; }
            public byte[] Hash { get; init; } = [];
            public List<string>? Tags { get; init; }
            public Access Access { get; init; }
            [JsonConverter(typeof(JsonStringEnumConverter))] public Color? Highlight { get; init; }
            [JsonIgnore] public string Secret { get; init; } = "";
            [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Revision { get; init; }
            public int Computed => 1;
            internal string Hidden { get; set; } = "";
            public string PublicField = "";
            [JsonInclude] public int IncludedField;
            public IReadOnlyDictionary<string, Document?> Children { get; init; } = new Dictionary<string, Document?>();
            [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
        }

        public sealed record Page<T>(IReadOnlyList<T> Items, int Total, string? NextCursor);

        public sealed record Node(string Label, List<Node> Children, Node? Parent);

        [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
        public sealed class ShapesJsonContext : JsonSerializerContext
        {
            public ShapesJsonContext() : base(null) { }
            public static ShapesJsonContext Default { get; } = new();
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    private static readonly Dictionary<string, string> s_chatPair = new()
    {
        ["TypedSocketIOTypeScriptOutput"] = "wwwroot/contracts.d.ts",
        ["TypedSocketIOTypeScriptServerToClient"] = "IChatClient",
        ["TypedSocketIOTypeScriptClientToServer"] = "Chat.Contracts.IChatServer",
    };

    [Fact]
    public void Chat()
    {
        RunResult result = Run([ChatContracts], s_chatPair);
        VerifyDeclarations(result.Declarations!);
        AssertCompilesCleanly(result);
    }

    [Fact]
    public void Shapes()
    {
        RunResult result = Run([ShapesContracts], new() { ["TypedSocketIOTypeScriptOutput"] = "out.d.ts" });
        VerifyDeclarations(result.Declarations!);
        AssertCompilesCleanly(result);
    }

    [Fact]
    public void NoOutputProperty_NoDeclarations()
    {
        RunResult result = Run([ChatContracts], new() { ["TypedSocketIOTypeScriptServerToClient"] = "IChatClient" });
        Assert.Null(result.Declarations);
        Assert.DoesNotContain(result.Run.GeneratedSources, s => s.HintName == SocketIOGenerator.TypeScriptEmitter.HintName);
        Assert.Contains(result.Run.GeneratedSources, s => s.HintName == "Chat.Contracts.IChatClient.Emitter.g.cs");
    }

    [Fact]
    public void DirectionNamesNoContract_TSIO0300AndNoAlias()
    {
        RunResult result = Run([ChatContracts], new()
        {
            ["TypedSocketIOTypeScriptOutput"] = "out.d.ts",
            ["TypedSocketIOTypeScriptServerToClient"] = "IChatCliient",
            ["TypedSocketIOTypeScriptClientToServer"] = "IChatServer",
        });

        Diagnostic diagnostic = Assert.Single(result.Run.Diagnostics);
        Assert.Equal(DiagnosticDescriptors.TypeScriptContractNotFoundId, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("'TypedSocketIOTypeScriptServerToClient' names 'IChatCliient'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("no 'ServerToClientEvents' type", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain("ServerToClientEvents =", result.Declarations, StringComparison.Ordinal);
        Assert.Contains("export type ClientToServerEvents = ChatServerEvents;", result.Declarations, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedConstant_HoldsTheDeclarationsVerbatim()
    {
        RunResult result = Run([ChatContracts], s_chatPair);
        string source = result.Run.GeneratedSources.Single(s => s.HintName == SocketIOGenerator.TypeScriptEmitter.HintName).SourceText.ToString();
        var tree = CSharpSyntaxTree.ParseText(source, CompilationHelper.ParseOptions);
        var literal = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>()
            .Single(l => l.Token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken));
        Assert.Equal(result.Declarations, literal.Token.ValueText + "\n");
    }

    [Fact]
    public void ModelHoldsNoSymbols()
    {
        var specs = new List<TypeScriptDeclarationsSpec>();
        Run([ShapesContracts], new() { ["TypedSocketIOTypeScriptOutput"] = "out.d.ts" }, new SocketIOGenerator { OnTypeScriptEmitting = specs.Add });
        TypeScriptDeclarationsSpec spec = Assert.Single(specs);
        Assert.NotEmpty(spec.Types);
        AssertNoSymbols(spec, "spec", new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static void AssertNoSymbols(object? node, string path, HashSet<object> visited)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || (!node.GetType().IsValueType && !visited.Add(node)))
        {
            return;
        }

        Assert.False(node is ISymbol or Compilation or SemanticModel or SyntaxNode or SyntaxTree or Location, $"{path} holds a {node.GetType().Name}");
        if (node is System.Collections.IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertNoSymbols(item, $"{path}[{i++}]", visited);
            }

            return;
        }

        foreach (FieldInfo field in node.GetType().GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            AssertNoSymbols(field.GetValue(node), $"{path}.{field.Name}", visited);
        }
    }

    [Fact]
    public void UnrelatedEdit_TypeScriptStepUnchanged_DtoEdit_Modified()
    {
        const string Other = "namespace Chat.Server; public sealed class Service { public int Work() => 1; }";
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(ChatContracts, Other);
        GeneratorDriver driver = CreateDriver(s_chatPair).RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        compilation = compilation.ReplaceSyntaxTree(other, CompilationHelper.ParseSource(Other.Replace("=> 1;", "=> 2;"), other.FilePath));
        driver = driver.RunGenerators(compilation);
        Assert.All(Outputs(driver, TrackingNames.TypeScript), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));

        // A DTO is part of the declarations: adding a property to it changes them.
        SyntaxTree contracts = compilation.SyntaxTrees.First();
        compilation = compilation.ReplaceSyntaxTree(contracts, CompilationHelper.ParseSource(
            ChatContracts.Replace("record TypingNotice(string Name, bool IsTyping)", "record TypingNotice(string Name, bool IsTyping, int Count)"), contracts.FilePath));
        driver = driver.RunGenerators(compilation);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(driver, TrackingNames.TypeScript)));
    }

    [Fact]
    public void OptionOff_StepCachedAcrossEdits()
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(ChatContracts);
        GeneratorDriver driver = CreateDriver(new()).RunGenerators(compilation);
        SyntaxTree contracts = compilation.SyntaxTrees.First();
        compilation = compilation.ReplaceSyntaxTree(contracts, CompilationHelper.ParseSource(
            ChatContracts.Replace("bool IsTyping)", "bool IsTyping, int Count)"), contracts.FilePath));
        driver = driver.RunGenerators(compilation);
        Assert.All(Outputs(driver, TrackingNames.TypeScript), r => Assert.True(r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, r.ToString()));
    }

    public static TheoryData<string> MemberNames => new()
    {
        "Name", "SentAt", "URLValue", "URL", "IOStream", "X", "x", "already_snake", "Item1", "ABC123Def", "Version2Beta",
        "HTTPServer2XML", "A1B2", "With Space", "ÄpfelÜber", "_Private", "Upper_Case_", "JSONData", "IsTyping", "ID",
    };

    [Theory]
    [MemberData(nameof(MemberNames))]
    public void JsonNaming_MatchesSystemTextJson(string name)
    {
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(name), JsonNaming.Convert(name, JsonNaming.CamelCase));
        Assert.Equal(JsonNamingPolicy.SnakeCaseLower.ConvertName(name), JsonNaming.Convert(name, JsonNaming.SnakeCaseLower));
        Assert.Equal(JsonNamingPolicy.SnakeCaseUpper.ConvertName(name), JsonNaming.Convert(name, JsonNaming.SnakeCaseUpper));
        Assert.Equal(JsonNamingPolicy.KebabCaseLower.ConvertName(name), JsonNaming.Convert(name, JsonNaming.KebabCaseLower));
        Assert.Equal(JsonNamingPolicy.KebabCaseUpper.ConvertName(name), JsonNaming.Convert(name, JsonNaming.KebabCaseUpper));
        Assert.Equal(name, JsonNaming.Convert(name, JsonNaming.Unspecified));
    }

    private sealed record RunResult(GeneratorRunResult Run, Compilation Output, ImmutableArray<Diagnostic> Diagnostics, string? Declarations);

    private static RunResult Run(string[] sources, Dictionary<string, string> properties, SocketIOGenerator? generator = null)
    {
        CSharpCompilation compilation = CompilationHelper.CreateCompilation(sources);
        GeneratorDriver driver = CreateDriver(properties, generator)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        Assert.Null(run.Exception);

        string? declarations = null;
        if (run.GeneratedSources.Any(s => s.HintName == SocketIOGenerator.TypeScriptEmitter.HintName))
        {
            var specs = new List<TypeScriptDeclarationsSpec>();
            CreateDriver(properties, new SocketIOGenerator { OnTypeScriptEmitting = specs.Add }).RunGenerators(compilation);
            declarations = SocketIOGenerator.TypeScriptEmitter.EmitDeclarations(Assert.Single(specs), CancellationToken.None);
        }

        return new RunResult(run, output, diagnostics, declarations);
    }

    private static CSharpGeneratorDriver CreateDriver(Dictionary<string, string> properties, SocketIOGenerator? generator = null) =>
        CSharpGeneratorDriver.Create(
            [(generator ?? new SocketIOGenerator()).AsSourceGenerator()],
            parseOptions: CompilationHelper.ParseOptions,
            optionsProvider: new BuildProperties(properties),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static IncrementalStepRunReason[] Outputs(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static void AssertCompilesCleanly(RunResult result)
    {
        Diagnostic[] problems = result.Output.GetDiagnostics().Concat(result.Diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591").ToArray();
        Assert.True(problems.Length == 0, CompilationHelper.Describe(problems));
    }

    /// <summary>Compares the declarations with <c>Baselines/TypeScript/{testName}.d.ts</c>.</summary>
    private static void VerifyDeclarations(string declarations, [CallerMemberName] string testName = "")
    {
        string root = typeof(TypeScriptTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BaselinesDirectory").Value!;
        string path = Path.Combine(root, "TypeScript", testName + ".d.ts");
        string received = path + ".received.txt";
        if (File.Exists(received))
        {
            File.Delete(received);
        }

        if (Environment.GetEnvironmentVariable("TSIO_UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, declarations, new UTF8Encoding(false));
            return;
        }

        string? expected = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;
        if (expected != declarations)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(received, declarations, new UTF8Encoding(false));
            Assert.Fail($"The declarations of {testName} differ from {path} (see {received}; TSIO_UPDATE_BASELINES=1 accepts them).");
        }
    }

    /// <summary>The MSBuild properties the compiler passes to generators as <c>build_property.*</c>.</summary>
    private sealed class BuildProperties(Dictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(
            properties.ToDictionary(p => "build_property." + p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new([]);

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(key, out value);
        }
    }
}
