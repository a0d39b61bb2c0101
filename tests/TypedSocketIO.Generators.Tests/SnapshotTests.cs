using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Generators.Tests;

/// <summary>
/// The generated source of representative contracts, against baselines, and proof that it compiles with no
/// diagnostic at all (warnings included, nullable on, documentation checked) against the real TypedSocketIO.Core.
/// </summary>
public sealed class SnapshotTests
{
    /// <summary>A JSON context written by hand, so the test compilation needs no System.Text.Json generator.</summary>
    internal const string HandWrittenContext = """
        using System;
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using System.Text.Json.Serialization.Metadata;

        namespace Chat.Contracts;

        public sealed class ChatJsonContext : JsonSerializerContext
        {
            public ChatJsonContext() : base(null) { }
            public static ChatJsonContext Default { get; } = new();
            protected override JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        public sealed record ChatMessage(string User, string Text);
        public sealed record JoinResult(string Room, int Members);
        """;

    [Fact]
    public void FireAndForget()
    {
        Check(["""
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract]
            public interface IChatClient
            {
                void Ping();
                void Notice(string text);
                Task Typing(string user, bool on);
                ValueTask Count(int value);
            }
            """]);
    }

    [Fact]
    public void Acknowledgements()
    {
        Check([HandWrittenContext, """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                Task<JoinResult> Join(string room);
                ValueTask<bool> Leave(string room);
                Task<List<ChatMessage>> History();
                Task<string?> Nickname();
            }
            """]);
    }

    [Fact]
    public void TupleAcknowledgements()
    {
        Check([HandWrittenContext, """
            using System;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                Task<(string, int)> Question(string text, int number);
                ValueTask<(string Room, JoinResult Result, ChatMessage? Last)> Join(string room);
                Task<(string? Nickname, int? Age)> Profile();
                Task<ValueTuple<bool, byte[]>> Download(string name);
                Task<(int, int, int, int, int, int, int)> Seven();
            }
            """]);
    }

    [Fact]
    public void EmptyAcknowledgements()
    {
        Check([HandWrittenContext, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                Task<ValueTuple> Ping();
                ValueTask<ValueTuple> Join(string room, ChatMessage greeting);
                Task<ValueTuple> Leave(string room, CancellationToken cancellationToken);
            }
            """]);
    }

    [Fact]
    public void EventNames()
    {
        Check(["""
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract]
            public interface IChatClient
            {
                [Event("typing")] void IsTyping(bool on);
                [Event("user:joined")] void UserJoined(string name);
                void URLChanged(string url);
                void IOError(string message);
                void X(int value);
            }
            """]);
    }

    [Fact]
    public void SeveralArguments()
    {
        Check([HandWrittenContext, """
            using System;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void Send(string room, ChatMessage message, DateTimeOffset at);
                Task<JoinResult> Join(string room, string user, int attempt, Guid session);
                void Many(int a, int b, int c, int d, int e, int f, int g, int h, int i);
            }
            """]);
    }

    [Fact]
    public void Binary()
    {
        Check(["""
            using System;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Files.Contracts;

            [SocketIOContract]
            public interface IFileServer
            {
                void Upload(string name, byte[] content);
                void Stream(ReadOnlyMemory<byte> chunk);
                Task<byte[]> Download(string name);
            }
            """]);
    }

    [Fact]
    public void NullableArguments()
    {
        Check([HandWrittenContext, """
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void Status(string? text, int? code, ChatMessage? last);
                Task<JoinResult?> Join(string room, string? password = null, int retries = 3, bool force = false);
                void Greet(string name = "you\n\"friend\"", double weight = 0.5, long big = 1L << 40, char c = 'x');
            }
            """]);
    }

    [Fact]
    public void CancellationTokens()
    {
        Check(["""
            using System.Threading;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract]
            public interface IChatServer
            {
                Task<bool> Join(string room, CancellationToken cancellationToken);
                Task<int> Count(CancellationToken token = default);
                Task Leave(string room, CancellationToken cancellationToken);
                Task<string> Echo(string cancellationToken);
            }
            """]);
    }

    [Fact]
    public void JsonContextWithUserTypes()
    {
        Check([HandWrittenContext, """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            public enum Presence { Online, Away }

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatClient
            {
                void Message(ChatMessage message);
                void Messages(IReadOnlyList<ChatMessage> messages, Dictionary<string, int> counts);
                void Presence(Presence presence, Presence? previous);
                Task<JoinResult[]> Rooms();
            }
            """]);
    }

    [Fact]
    public void AssemblyLevelFallback()
    {
        Check([HandWrittenContext, """
            using System.Threading.Tasks;

            namespace Vendor.Contracts
            {
                public interface IVendorEvents
                {
                    void Message(Chat.Contracts.ChatMessage message);
                    Task<bool> Confirm(string reason);
                }
            }
            """, """
            using TypedSocketIO;

            [assembly: SocketIOContractFor(typeof(Vendor.Contracts.IVendorEvents), JsonContext = typeof(Chat.Contracts.ChatJsonContext))]
            [assembly: SocketIOContractFor(typeof(Vendor.Contracts.IVendorEvents))]
            """]);
    }

    [Fact]
    public void NestedNamespace()
    {
        Check(["""
            using TypedSocketIO;

            namespace Company.Product.Realtime.Contracts
            {
                namespace Admin
                {
                    [SocketIOContract]
                    internal interface IAdminClient
                    {
                        void Kick(string user);
                    }
                }
            }

            [SocketIOContract]
            public interface IGlobalEvents
            {
                void Tick(long at);
            }
            """]);
    }

    [Fact]
    public void InheritedEvents()
    {
        Check(["""
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            public interface IPresenceEvents
            {
                void Online(string user);
            }

            [SocketIOContract]
            public interface IChatClient : IPresenceEvents
            {
                void Notice(string text);
                Task<bool> Ask(string question);
            }
            """]);
    }

    [Fact]
    public void ParameterNamesThatClash()
    {
        Check(["""
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract]
            public interface IChatServer
            {
                Task<int> Join(string writer, string state, int ack, int acks, int results, int i, string @event, string cancellationToken);
                void Send(string handler, string arguments, string result, string target);
            }
            """]);
    }

    [Fact]
    public void NullableObliviousContract()
    {
        Check(["""
            #nullable disable
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Legacy.Contracts;

            [SocketIOContract]
            public interface ILegacyEvents
            {
                void Send(string text, int count, int? maybe);
                Task<string> Ask(string question);
            }
            """]);
    }

    private static void Check(string[] sources, [CallerMemberName] string testName = "")
    {
        GeneratorResult result = CompilationHelper.Run(CompilationHelper.CreateCompilation(sources));

        Assert.True(result.Diagnostics.IsEmpty, CompilationHelper.Describe(result.Diagnostics));
        Assert.NotEmpty(result.Run.GeneratedSources);
        Baselines.Verify(result.Run, testName);

        // Everything counts, warnings included; missing XML docs only in generated files (the test contracts have none).
        HashSet<SyntaxTree> generated = [.. result.Run.GeneratedSources.Select(s => s.SyntaxTree)];
        Diagnostic[] diagnostics = result.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity != DiagnosticSeverity.Hidden)
            .Where(d => d.Id != "CS1591" || (d.Location.SourceTree is { } tree && generated.Contains(tree)))
            .ToArray();
        Assert.True(diagnostics.Length == 0, CompilationHelper.Describe(diagnostics));
    }
}
