using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;

namespace TypedSocketIO.Reliability.Tests;

/// <summary>
/// Our server with the handlers of tests/interop-node/hostile/hostile-server.mjs (keep them in step), default options, on a
/// loopback port: namespaces <c>/</c>, <c>/chat</c> and the dynamic <c>^/dyn-\d+$</c>, each with <c>echo</c> (acknowledges its
/// arguments, binary included), <c>reemit</c> (emits <c>reemitted</c> with them), <c>join</c> (joins the room given as a string,
/// acknowledges <c>true</c>), <c>ask</c> (emits <c>question</c> with an acknowledgement and no timeout), <c>broadcast-ask</c>
/// (broadcasts <c>question</c> to the socket's own room with a 300 ms acknowledgement timeout, then acknowledges <c>timeout</c>
/// or <c>answered</c>) and <c>spam</c> (emits <c>spam</c> n times with a string of the given size); <c>/refused</c> refuses every
/// socket (<c>refused</c>).
/// </summary>
public sealed class CorpusServer : IAsyncDisposable
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Reasons = new();

    private CorpusServer(LoopbackServer host) => Host = host;

    /// <summary>The server-side disconnect reason of every socket that left, by socket id (ids are unique across servers).</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, string> DisconnectReasons => Reasons;

    public LoopbackServer Host { get; }

    public string BaseAddress => Host.BaseAddress;

    public SocketIOServer IO => Host.Services.GetRequiredService<SocketIOServer>();

    public SocketIOServerDiagnostics Diagnostics => IO.Diagnostics;

    /// <summary>Starts the server; <paramref name="configure"/> changes options of the cases that need a smaller bound.</summary>
    public static async Task<CorpusServer> StartAsync(Action<SocketIOServerOptions>? configure = null)
    {
        var host = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(o => configure?.Invoke(o)),
            app =>
            {
                app.MapSocketIO("/", ns => ns.OnConnection(Configure));
                SocketIOServer io = app.Services.GetRequiredService<SocketIOServer>();
                io.Of("/chat", ns => ns.OnConnection(Configure));
                io.Of("/refused", ns => ns.Use((_, _) => throw new SocketIOConnectionRejectedException("refused")));
                io.Of(new Regex("^/dyn-\\d+$", RegexOptions.None, TimeSpan.FromSeconds(1)), ns => ns.OnConnection(Configure));
            },
            LogLevel.Information);
        return new CorpusServer(host);
    }

    private static void Configure(SocketIOSocket socket)
    {
        socket.Disconnected += (s, reason) => Reasons[s.Id] = reason;
        socket.On("echo", (args, ack) =>
        {
            ack.Send(args, ArgumentEcho.WriteAll);
            return ValueTask.CompletedTask;
        });
        socket.On("reemit", args => socket.Emit("reemitted", args, ArgumentEcho.WriteAll));
        socket.On("join", (args, ack) =>
        {
            if (args.Count > 0 && args.GetElement(0).ValueKind == JsonValueKind.String)
            {
                socket.Join(args.GetElement(0).GetString()!);
            }

            ack.Send(true);
            return ValueTask.CompletedTask;
        });
        socket.On("broadcast-ask", (args, ack) =>
        {
            _ = socket.Namespace.To(socket.Id).Timeout(TimeSpan.FromMilliseconds(300)).EmitWithAckAsync("question", "q").ContinueWith(
                t =>
                {
                    _ = t.Exception; // observed: the timeout is the expected outcome
                    ack.Send(t.IsCompletedSuccessfully ? "answered" : "timeout");
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return ValueTask.CompletedTask;
        });
        socket.On("spam", args =>
        {
            int count = args.GetElement(0).GetInt32();
            string text = new('s', args.GetElement(1).GetInt32());
            for (int i = 0; i < count && socket.Connected; i++)
            {
                socket.Emit("spam", text);
            }
        });
        socket.On("ask", args =>
        {
            // No timeout: the acknowledgement waits until the client answers or goes (then the task fails; observed here).
            _ = socket.EmitWithAckAsync("question", "q").ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        });
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
