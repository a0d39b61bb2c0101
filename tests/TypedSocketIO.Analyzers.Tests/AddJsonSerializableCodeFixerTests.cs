using Microsoft.CodeAnalysis.Testing;
using TypedSocketIO.Analyzers;
using TypedSocketIO.CodeFixers;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;
using Test = TypedSocketIO.Analyzers.Tests.CodeFixTest<
    TypedSocketIO.Analyzers.TypeNotInJsonContextAnalyzer,
    TypedSocketIO.CodeFixers.AddJsonSerializableCodeFixer>;

namespace TypedSocketIO.Analyzers.Tests;

public class AddJsonSerializableCodeFixerTests
{
    private static DiagnosticResult Expected(int location, string type, string usedBy, string context = "ChatJsonContext") =>
        new DiagnosticResult(TypeNotInJsonContext).WithLocation(location).WithArguments(type, usedBy, context);

    [Fact]
    public async Task AddsTheAttributeAfterTheOthers_InThePartialDeclarationThatHasThem()
    {
        const string Contract = """
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void SendMessage(ChatMessage message);
                {|#0:Task<JoinResult>|} Join(string room);
            }
            """;

        var test = new Test();
        test.TestState.Sources.Add(Contract);
        test.TestState.Sources.Add(Sources.Models);
        test.TestState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));
        test.TestState.Sources.Add("""
            using System.Text.Json.Serialization;

            namespace Chat;

            /// <summary>The contracts' types.</summary>
            [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
            [JsonSerializable(typeof(ChatMessage))]
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """);
        test.ExpectedDiagnostics.Add(Expected(0, "JoinResult", "IChatServer.Join"));

        test.FixedState.Sources.Add(Contract.Replace("{|#0:Task<JoinResult>|}", "Task<JoinResult>", StringComparison.Ordinal));
        test.FixedState.Sources.Add(Sources.Models);
        test.FixedState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));
        test.FixedState.Sources.Add("""
            using System.Text.Json.Serialization;

            namespace Chat;

            /// <summary>The contracts' types.</summary>
            [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
            [JsonSerializable(typeof(ChatMessage))]
            [JsonSerializable(typeof(JoinResult))]
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """);

        await test.RunAsync();
    }

    [Fact]
    public async Task TupleAckElement_AddsTheElementType_NotTheTuple()
    {
        const string Contract = """
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                Task<(string Room, {|#0:JoinResult|} Result)> Join(string room);
            }
            """;
        const string Context = """
            using System.Text.Json.Serialization;

            namespace Chat;

            [JsonSerializable(typeof(ChatMessage))]
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """;

        var test = new Test();
        test.TestState.Sources.Add(Contract);
        test.TestState.Sources.Add(Sources.Models);
        test.TestState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));
        test.TestState.Sources.Add(Context);
        test.ExpectedDiagnostics.Add(Expected(0, "JoinResult", "IChatServer.Join"));

        test.FixedState.Sources.Add(Contract.Replace("{|#0:JoinResult|}", "JoinResult", StringComparison.Ordinal));
        test.FixedState.Sources.Add(Sources.Models);
        test.FixedState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));
        test.FixedState.Sources.Add(Context.Replace(
            "[JsonSerializable(typeof(ChatMessage))]",
            "[JsonSerializable(typeof(ChatMessage))]\n[JsonSerializable(typeof(JoinResult))]",
            StringComparison.Ordinal));

        await test.RunAsync();
    }

    [Fact]
    public async Task AddsAUsingForTheType_AndQualifiesTheAttributeAsTheFileDoes()
    {
        const string Contract = """
            using System.Collections.Generic;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(Serialization.ChatJsonContext))]
            public interface IChatClient
            {
                void History({|#0:List<ChatMessage> messages|});
            }
            """;
        const string ContextBefore = """
            namespace Chat.Serialization;

            [System.Text.Json.Serialization.JsonSerializable(typeof(int))]
            internal sealed partial class ChatJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
            """;
        const string ContextAfter = """
            using System.Collections.Generic;

            namespace Chat.Serialization;

            [System.Text.Json.Serialization.JsonSerializable(typeof(int))]
            [System.Text.Json.Serialization.JsonSerializable(typeof(List<ChatMessage>))]
            internal sealed partial class ChatJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
            """;

        var test = new Test();
        test.TestState.Sources.Add(Contract);
        test.TestState.Sources.Add(Sources.Models);
        test.TestState.Sources.Add(ContextBefore);
        test.TestState.Sources.Add(Sources.ContextImplementation("ChatJsonContext", "Chat.Serialization"));
        test.ExpectedDiagnostics.Add(Expected(0, "List<ChatMessage>", "IChatClient.History"));

        test.FixedState.Sources.Add(Contract.Replace("{|#0:List<ChatMessage> messages|}", "List<ChatMessage> messages", StringComparison.Ordinal));
        test.FixedState.Sources.Add(Sources.Models);
        test.FixedState.Sources.Add(ContextAfter);
        test.FixedState.Sources.Add(Sources.ContextImplementation("ChatJsonContext", "Chat.Serialization"));

        await test.RunAsync();
    }

    [Fact]
    public async Task FixAll_AddsEachTypeOnce()
    {
        const string Contract = """
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void SendMessage({|#0:ChatMessage message|});
                void Edit({|#1:ChatMessage message|});
                {|#2:Task<JoinResult>|} Join(string room);
            }
            """;
        const string ContextBefore = """
            using System.Text.Json.Serialization;

            namespace Chat;

            [JsonSerializable(typeof(string))]
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """;
        const string ContextAfter = """
            using System.Text.Json.Serialization;

            namespace Chat;

            [JsonSerializable(typeof(string))]
            [JsonSerializable(typeof(ChatMessage))]
            [JsonSerializable(typeof(JoinResult))]
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """;

        var test = new Test();
        test.TestState.Sources.Add(Contract);
        test.TestState.Sources.Add(Sources.Models);
        test.TestState.Sources.Add(ContextBefore);
        test.TestState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));
        test.ExpectedDiagnostics.Add(Expected(0, "ChatMessage", "IChatServer.SendMessage"));
        test.ExpectedDiagnostics.Add(Expected(1, "ChatMessage", "IChatServer.Edit"));
        test.ExpectedDiagnostics.Add(Expected(2, "JoinResult", "IChatServer.Join"));

        test.FixedState.Sources.Add(Contract
            .Replace("{|#0:ChatMessage message|}", "ChatMessage message", StringComparison.Ordinal)
            .Replace("{|#1:ChatMessage message|}", "ChatMessage message", StringComparison.Ordinal)
            .Replace("{|#2:Task<JoinResult>|}", "Task<JoinResult>", StringComparison.Ordinal));
        test.FixedState.Sources.Add(Sources.Models);
        test.FixedState.Sources.Add(ContextAfter);
        test.FixedState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));

        // One at a time, fixing ChatMessage also clears its second use: two fixes for three diagnostics.
        test.NumberOfIncrementalIterations = 2;
        test.NumberOfFixAllIterations = 1;

        await test.RunAsync();
    }

    [Fact]
    public async Task ContextWithoutAttributes_GetsItsFirstAttributeBelowTheDocComment()
    {
        const string Contract = """
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatClient
            {
                void Message({|#0:ChatMessage message|});
            }
            """;
        const string ContextBefore = """
            using System.Text.Json.Serialization;

            namespace Chat;

            /// <summary>The contracts' types.</summary>
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """;
        const string ContextAfter = """
            using System.Text.Json.Serialization;

            namespace Chat;

            /// <summary>The contracts' types.</summary>
            [JsonSerializable(typeof(ChatMessage))]
            internal sealed partial class ChatJsonContext : JsonSerializerContext;
            """;

        var test = new Test();
        test.TestState.Sources.Add(Contract);
        test.TestState.Sources.Add(Sources.Models);
        test.TestState.Sources.Add(ContextBefore);
        test.TestState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));
        test.ExpectedDiagnostics.Add(Expected(0, "ChatMessage", "IChatClient.Message"));

        test.FixedState.Sources.Add(Contract.Replace("{|#0:ChatMessage message|}", "ChatMessage message", StringComparison.Ordinal));
        test.FixedState.Sources.Add(Sources.Models);
        test.FixedState.Sources.Add(ContextAfter);
        test.FixedState.Sources.Add(Sources.ContextImplementation("ChatJsonContext"));

        await test.RunAsync();
    }

    [Fact]
    public void FixesTheAnalyzersDiagnostic()
    {
        Assert.Equal(TypeNotInJsonContextId, new TypeNotInJsonContextAnalyzer().SupportedDiagnostics.Single().Id);
        Assert.Equal(TypeNotInJsonContextId, new AddJsonSerializableCodeFixer().FixableDiagnosticIds.Single());
    }
}
