using Microsoft.CodeAnalysis.Testing;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;
using Test = TypedSocketIO.Analyzers.Tests.AnalyzerTest<TypedSocketIO.Analyzers.MissingJsonContextAnalyzer>;

namespace TypedSocketIO.Analyzers.Tests;

public class MissingJsonContextTests
{
    private static DiagnosticResult Expected(int location, string contract, string type) =>
        new DiagnosticResult(MissingJsonContext).WithLocation(location).WithArguments(contract, type);

    [Fact]
    public Task ContractWithoutContext_ReportedOnEachUse() => Test.RunAsync(
    [
        """
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract]
        public interface IChatServer
        {
            void SendMessage(string room, {|#0:ChatMessage message|});
            {|#1:Task<JoinResult>|} Join(string room);
        }
        """,
        Sources.Models,
    ],
        Expected(0, "IChatServer", "ChatMessage"),
        Expected(1, "IChatServer", "JoinResult"));

    [Fact]
    public Task TupleAckWithoutContext_ReportedOnTheElementsThatNeedIt() => Test.RunAsync(
    [
        """
        using System;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract]
        public interface IChatServer
        {
            Task<(string Room, {|#0:JoinResult|} Result)> Join(string room);
            Task<(string Text, int Count)> Question(string text);
            Task<ValueTuple> Ping();
        }
        """,
        Sources.Models,
    ],
        Expected(0, "IChatServer", "JoinResult"));

    [Fact]
    public Task ContractForWithoutContext_ReportedOnTheAssemblyAttribute() => Test.RunAsync(
    [
        """
        [assembly: {|#0:TypedSocketIO.SocketIOContractFor(typeof(Chat.IExternalClient))|}]

        namespace Chat;

        public interface IExternalClient
        {
            void Message(ChatMessage message);
        }
        """,
        Sources.Models,
    ],
        Expected(0, "IExternalClient", "ChatMessage"));

    [Fact]
    public Task PrimitiveOnlyContractWithoutContext_Silent() => Test.RunAsync(
    [
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract]
        public interface IChatServer
        {
            void SendMessage(string room, string text, byte[] attachment);
            Task<bool> Join(string room, CancellationToken cancellationToken);
            ValueTask<Guid?> Id();
            Task Leave(string room);
        }
        """,
    ]);

    [Fact]
    public Task ContractWithContext_Silent() => Test.RunAsync(
    [
        """
        using System.Text.Json.Serialization;
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
        public interface IChatServer
        {
            void SendMessage(ChatMessage message);
        }

        [JsonSerializable(typeof(ChatMessage))]
        internal sealed partial class ChatJsonContext : JsonSerializerContext;
        """,
        Sources.Models,
        Sources.ContextImplementation("ChatJsonContext"),
    ]);
}
