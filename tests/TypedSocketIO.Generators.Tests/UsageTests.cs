using Microsoft.CodeAnalysis;

namespace TypedSocketIO.Generators.Tests;

/// <summary>The generated API as a user writes against it: extension members resolve, lambdas pick one overload, no warning.</summary>
public sealed class UsageTests
{
    [Fact]
    public void GeneratedApi_CompilesFromUserCode_WithoutDiagnostics()
    {
        const string usage = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using TypedSocketIO;

            namespace Chat.Contracts;

            [SocketIOContract(JsonContext = typeof(ChatJsonContext))]
            public interface IChatServer
            {
                void Send(string text);
                Task Typing(bool on);
                Task<JoinResult> Join(string room);
                ValueTask<string?> Nickname(CancellationToken cancellationToken);
                void Nothing();
            }

            public sealed class ChatHandler : IChatServer
            {
                public void Send(string text) { }
                public Task Typing(bool on) => Task.CompletedTask;
                public Task<JoinResult> Join(string room) => Task.FromResult(new JoinResult(room, 1));
                public ValueTask<string?> Nickname(CancellationToken cancellationToken) => new((string?)null);
                public void Nothing() { }
            }

            public static class Usage
            {
                public static async Task Run(
                    ISocketIOTarget<IChatServer> one,
                    ISocketIOBroadcastTarget<IChatServer> many,
                    ISocketIOListenerTarget<IChatServer> listeners,
                    ISocketIOHandlerHost<IChatServer> host)
                {
                    bool queued = one.Emit.Send("hi") && many.Emit.Send("all") && one.Emit.Nothing();
                    JoinResult joined = await one.Emit.Join("lobby");
                    System.Collections.Generic.IReadOnlyList<AckResult<JoinResult>> everyone = await many.Emit.Join("lobby", CancellationToken.None);
                    JoinResult first = everyone[0].Value;
                    bool answered = everyone[0].TryGetValue(out JoinResult? again) && everyone[0].Status == AckStatus.Acknowledged;
                    string? name = await one.Emit.Nickname(CancellationToken.None);
                    System.Collections.Generic.IReadOnlyList<AckResult<string?>> names = await many.Emit.Nickname(default);
                    Console.WriteLine($"{queued} {joined} {everyone.Count} {first} {answered} {again} {name} {names.Count} {names[0].SocketId}");

                    listeners.On.Send(text => Console.WriteLine(text));
                    listeners.On.Send(async text => await Task.Delay(1));
                    listeners.On.Typing(on => { });
                    listeners.On.Typing(on => Task.CompletedTask);
                    listeners.On.Join(room => new JoinResult(room, 1));
                    listeners.On.Join(async room => { await Task.Yield(); return new JoinResult(room, 2); });
                    listeners.On.Nickname(() => "me");
                    listeners.On.Nickname(async () => { await Task.Yield(); return (string?)null; });
                    listeners.On.Nothing(() => { });
                    listeners.On.Handler(new ChatHandler());
                    ChatServerDispatcher.Bind(listeners, () => new ChatHandler());
                    host.UseHandler<ChatHandler>();
                }
            }
            """;

        GeneratorResult result = CompilationHelper.Run(CompilationHelper.CreateCompilation(SnapshotTests.HandWrittenContext, usage));

        Assert.True(result.Diagnostics.IsEmpty, CompilationHelper.Describe(result.Diagnostics));
        Diagnostic[] diagnostics = result.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity != DiagnosticSeverity.Hidden && d.Id != "CS1591")
            .ToArray();
        Assert.True(diagnostics.Length == 0, CompilationHelper.Describe(diagnostics));
    }
}
