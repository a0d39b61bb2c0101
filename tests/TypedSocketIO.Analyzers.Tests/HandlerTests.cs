using Microsoft.CodeAnalysis.Testing;
using static TypedSocketIO.Diagnostics.DiagnosticDescriptors;
using NoContractTest = TypedSocketIO.Analyzers.Tests.AnalyzerTest<TypedSocketIO.Analyzers.HandlerImplementsNoContractAnalyzer>;
using SendContractTest = TypedSocketIO.Analyzers.Tests.AnalyzerTest<TypedSocketIO.Analyzers.HandlerSendContractNotAContractAnalyzer>;

namespace TypedSocketIO.Analyzers.Tests;

public class HandlerTests
{
    private const string Contracts = """
        using TypedSocketIO;

        namespace Chat;

        [SocketIOContract]
        public interface IChatServer
        {
            void SendMessage(string text);
        }

        [SocketIOContract]
        public interface IChatClient
        {
            void Message(string text);
        }

        public interface IPlain
        {
            void Message(string text);
        }
        """;

    [Fact]
    public Task HandlerImplementingNoContract_ReportedOnTheClassName() => NoContractTest.RunAsync(
    [
        """
        using TypedSocketIO.Server;

        namespace Chat;

        public sealed class {|#0:ChatHandler|} : SocketHandler<IChatClient>, IPlain
        {
            public void Message(string text) { }
        }
        """,
        Contracts,
        Sources.SocketHandler,
    ],
        new DiagnosticResult(HandlerImplementsNoContract).WithLocation(0).WithArguments("ChatHandler", "IChatClient"));

    [Fact]
    public Task HandlerImplementingAContract_DirectlyOrThroughABase_Silent() => NoContractTest.RunAsync(
    [
        """
        using TypedSocketIO.Server;

        namespace Chat;

        public sealed class ChatHandler : SocketHandler<IChatClient>, IChatServer
        {
            public void SendMessage(string text) { }
        }

        public abstract class HandlerBase<TSend> : SocketHandler<TSend>, IChatServer
            where TSend : class
        {
            public void SendMessage(string text) { }
        }

        public sealed class DerivedHandler : HandlerBase<IChatClient>;

        // Abstract: a base for handlers, checked through the classes deriving from it.
        public abstract class EmptyBase : SocketHandler<IChatClient>;
        """,
        Contracts,
        Sources.SocketHandler,
    ]);

    [Fact]
    public Task HandlerImplementingAContractForInterface_Silent() => NoContractTest.RunAsync(
    [
        """
        using TypedSocketIO.Server;

        [assembly: TypedSocketIO.SocketIOContractFor(typeof(Chat.IPlain))]

        namespace Chat;

        public sealed class ChatHandler : SocketHandler<IChatClient>, IPlain
        {
            public void Message(string text) { }
        }
        """,
        Contracts,
        Sources.SocketHandler,
    ]);

    [Fact]
    public Task NoSocketHandlerInTheCompilation_Silent() => NoContractTest.RunAsync(
    [
        """
        namespace Other;

        public abstract class SocketHandler<TSend>;

        public sealed class NotOurs : SocketHandler<string>;
        """,
    ]);

    [Fact]
    public Task SendContractNotAContract_ReportedOnTheTypeArgument() => SendContractTest.RunAsync(
    [
        """
        namespace Chat;

        public sealed class ChatHandler : TypedSocketIO.Server.SocketHandler<{|#0:IPlain|}>, IChatServer
        {
            public void SendMessage(string text) { }
        }
        """,
        Contracts,
        Sources.SocketHandler,
    ],
        new DiagnosticResult(HandlerSendContractNotAContract).WithLocation(0).WithArguments("ChatHandler", "IPlain"));

    [Fact]
    public Task SendContractNotAContractThroughABase_ReportedOnTheClassName() => SendContractTest.RunAsync(
    [
        """
        using TypedSocketIO.Server;

        namespace Chat;

        public abstract class HandlerBase<TSend> : SocketHandler<TSend>, IChatServer
            where TSend : class
        {
            public void SendMessage(string text) { }
        }

        public sealed class {|#0:PlainHandler|} : HandlerBase<IPlain>;
        """,
        Contracts,
        Sources.SocketHandler,
    ],
        new DiagnosticResult(HandlerSendContractNotAContract).WithLocation(0).WithArguments("PlainHandler", "IPlain"));

    [Fact]
    public Task SendContractIsAContract_Silent() => SendContractTest.RunAsync(
    [
        """
        using TypedSocketIO.Server;

        [assembly: TypedSocketIO.SocketIOContractFor(typeof(Chat.IPlain))]

        namespace Chat;

        public sealed class ChatHandler : SocketHandler<IChatClient>, IChatServer
        {
            public void SendMessage(string text) { }
        }

        public sealed class PlainHandler : SocketHandler<IPlain>, IChatServer
        {
            public void SendMessage(string text) { }
        }
        """,
        Contracts,
        Sources.SocketHandler,
    ]);
}
