using Microsoft.CodeAnalysis.Testing;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;
using Test = TypedSocketIO.Analyzers.Tests.AnalyzerTest<TypedSocketIO.Analyzers.TypeNotInJsonContextAnalyzer>;

namespace TypedSocketIO.Analyzers.Tests;

public class TypeNotInJsonContextTests
{
    private static string[] WithContext(string contract, string contextAttributes = "") =>
    [
        contract,
        Sources.Models,
        $$"""
        using System.Collections.Generic;
        using System.Text.Json.Serialization;

        namespace Chat;

        {{contextAttributes}}
        internal sealed partial class ChatJsonContext : JsonSerializerContext;
        """,
        Sources.ContextImplementation("ChatJsonContext"),
    ];

    private static DiagnosticResult Expected(int location, string type, string usedBy) =>
        new DiagnosticResult(TypeNotInJsonContext).WithLocation(location).WithArguments(type, usedBy, "ChatJsonContext");

    [Fact]
    public Task ParameterTypeNotInContext_ReportedOnTheParameter() => Test.RunAsync(
        WithContext("""
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void SendMessage({|#0:ChatMessage message|});
            }
            """),
        Expected(0, "ChatMessage", "IChatServer.SendMessage"));

    [Fact]
    public Task AckResultNotInContext_ReportedOnTheReturnType() => Test.RunAsync(
        WithContext("""
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                {|#0:Task<JoinResult>|} Join(string room);
                {|#1:ValueTask<JoinResult>|} Rejoin(string room);
            }
            """),
        Expected(0, "JoinResult", "IChatServer.Join"),
        Expected(1, "JoinResult", "IChatServer.Rejoin"));

    [Fact]
    public Task TupleAck_EachElementChecked_ReportedOnTheElement() => Test.RunAsync(
        WithContext("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                Task<(string Room, {|#0:JoinResult|} Result, ChatMessage? Last)> Join(string room);
                ValueTask<({|#1:List<ChatMessage>|}, int)> History();
                {|#2:Task<ValueTuple<JoinResult, bool>>|} Rejoin();
                System.Threading.Tasks.Task<(int, {|#3:JoinResult|})> Qualified();
            }
            """,
            "[JsonSerializable(typeof(ChatMessage))]"),
        Expected(0, "JoinResult", "IChatServer.Join"),
        Expected(1, "List<ChatMessage>", "IChatServer.History"),
        Expected(2, "JoinResult", "IChatServer.Rejoin"),
        Expected(3, "JoinResult", "IChatServer.Qualified"));

    [Fact]
    public Task TupleAndEmptyAcks_OfCoveredOrPrimitiveTypes_Silent() => Test.RunAsync(WithContext(
        """
        using System;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatServer
        {
            Task<(string Text, int Count)> Question(string text);
            ValueTask<(ChatMessage Message, byte[] Data, int? Code)> Last();
            Task<ValueTuple> Ping();
            ValueTask<ValueTuple> Pong();
        }
        """,
        "[JsonSerializable(typeof(ChatMessage))]"));

    [Fact]
    public Task UnsupportedTupleAcks_LeftToTheGenerator() => Test.RunAsync(WithContext(
        """
        using System;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatServer
        {
            Task<(JoinResult, int, int, int, int, int, int, int)> Eight();
            Task<ValueTuple<JoinResult>> One();
            Task<(JoinResult, int)?> Maybe();
        }
        """));

    [Fact]
    public Task CollectionOfCoveredType_Object_AndNullableMemory_NeedTheContext() => Test.RunAsync(
        WithContext(
            """
            using System.Collections.Generic;
            using TypedSocketIO;

            namespace Chat;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatClient
            {
                void History({|#0:List<ChatMessage> messages|});
                void Dump({|#1:object state|});
                void Blob({|#2:System.ReadOnlyMemory<byte>? blob|}, System.ReadOnlyMemory<byte> memory, int? count);
            }
            """,
            "[JsonSerializable(typeof(ChatMessage))]"),
        Expected(0, "List<ChatMessage>", "IChatClient.History"),
        Expected(1, "object", "IChatClient.Dump"),
        Expected(2, "ReadOnlyMemory<byte>?", "IChatClient.Blob"));

    [Fact]
    public Task CoveredAndPrimitiveTypes_Silent() => Test.RunAsync(WithContext(
        """
        using System;
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Nodes;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatServer
        {
            void SendMessage(ChatMessage message, ChatMessage? replyTo);
            Task<JoinResult> Join(string room, CancellationToken cancellationToken);
            ValueTask<List<ChatMessage>> History(int? limit);
            Task Leave(string room);
            ValueTask Ping();
            Task<bool> Confirm(string reason);
            void Primitives(bool a, sbyte z, byte b, short c, ushort d, int e, uint f, long g, ulong h, float i, double j, decimal k, char l);
            void Others(string? s, Guid g, DateTime d, DateTimeOffset o, TimeSpan t, TimeSpan? n, byte[] bytes, ReadOnlyMemory<byte> memory);
            Task<JsonElement> Json(JsonElement element, JsonNode? node);
        }
        """,
        """
        [JsonSerializable(typeof(ChatMessage))]
        [JsonSerializable(typeof(JoinResult))]
        [JsonSerializable(typeof(List<ChatMessage>))]
        """));

    [Fact]
    public Task TypeCoveredByABaseContext_Silent() => Test.RunAsync(
    [
        """
        using System.Text.Json.Serialization;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract(JsonContext = typeof(DerivedContext))]
        public interface IChatClient
        {
            void Message(ChatMessage message);
        }

        [JsonSerializable(typeof(ChatMessage))]
        internal abstract partial class BaseContext : JsonSerializerContext
        {
            protected BaseContext() : base(null) { }
        }

        internal sealed class DerivedContext : BaseContext
        {
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
        }
        """,
        Sources.Models,
    ]);

    [Fact]
    public Task ContractForAnInterfaceOfAnotherLibrary_ReportedOnTheAssemblyAttribute() => Test.RunAsync(
        WithContext("""
            using TypedSocketIO;

            [assembly: {|#0:SocketIOContractFor(typeof(Chat.IExternalClient), JsonContext = typeof(Chat.ChatJsonContext))|}]

            namespace Chat;

            public interface IExternalClient
            {
                void Message(ChatMessage message);
                void Again(ChatMessage message);
                System.Threading.Tasks.Task<JoinResult> Join(string room);
            }
            """),
        Expected(0, "ChatMessage", "IExternalClient.Message"),
        Expected(0, "JoinResult", "IExternalClient.Join"));

    [Fact]
    public Task MethodOfABaseInterface_ReportedOnTheContract() => Test.RunAsync(
        WithContext("""
            using TypedSocketIO;

            namespace Chat;

            public interface IMessages
            {
                void Message(ChatMessage message);
            }

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface {|#0:IChatClient|} : IMessages
            {
                void Notice(string text);
            }
            """),
        Expected(0, "ChatMessage", "IMessages.Message"));

    [Fact]
    public Task JsonContextThatIsNotAContext_LeftToTheGenerator() => Test.RunAsync(
    [
        """
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract(JsonContext = typeof(NotAContext))]
        public interface IChatClient
        {
            void Message(ChatMessage message);
        }

        internal sealed class NotAContext;
        """,
        Sources.Models,
    ]);
}
