using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// Our server configured as tests/interop-node/SCENARIOS.md describes, written with the untyped
/// server API (and typed arguments where binary is nested in objects).
/// </summary>
public sealed class InteropServer : IScenarioHost
{
    /// <summary>
    /// The heartbeat of the interop server: short, so that the ping-timeout scenario is quick, with a timeout long enough
    /// that a client on a loaded 2-core machine (a late ping) does not close the session itself before dropping a pong.
    /// </summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(1000);
    public static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(1500);

    private static readonly JsonElement RejectionData = JsonDocument.Parse("""{"code":401,"reason":"bad token"}""").RootElement.Clone();

    private InteropServer(LoopbackServer host) => Host = host;

    public LoopbackServer Host { get; }

    public SocketIOServer IO => Host.Services.GetRequiredService<SocketIOServer>();

    /// <summary>Server-side disconnect reasons by "namespace socket-id".</summary>
    public ConcurrentDictionary<string, string> DisconnectReasons { get; } = new();

    /// <summary>Errors thrown by the handlers of this class (should stay empty).</summary>
    public ConcurrentQueue<Exception> HandlerErrors { get; } = new();

    IReadOnlyCollection<Exception> IScenarioHost.HandlerErrors => HandlerErrors;

    /// <summary>
    /// WebSocket handshakes that reached the application's HTTP pipeline (served by ASP.NET Core's WebSocket middleware);
    /// those served by the lean Kestrel transport never do.
    /// </summary>
    public int HttpPipelineWebSocketHandshakes => Volatile.Read(ref _httpPipelineWebSocketHandshakes);

    private int _httpPipelineWebSocketHandshakes;

    /// <summary>Starts the server; <paramref name="kestrelWebSocketTransport"/> is <c>EngineIOOptions.KestrelWebSocketTransport</c>.</summary>
    public static async Task<InteropServer> StartAsync(bool kestrelWebSocketTransport = true)
    {
        InteropServer? self = null;
        var host = await LoopbackServer.StartAsync(
            services => services.AddSocketIO(o =>
            {
                o.EngineIO.PingInterval = PingInterval;
                o.EngineIO.PingTimeout = PingTimeout;
                o.EngineIO.KestrelWebSocketTransport = kestrelWebSocketTransport;
            }),
            app =>
            {
                app.Use((context, next) =>
                {
                    // (IsWebSocketRequest needs the WebSocket middleware, which only the Engine.IO endpoint's own pipeline has.)
                    if (string.Equals(context.Request.Headers.Upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref self!._httpPipelineWebSocketHandshakes);
                    }

                    return next(context);
                });
                app.MapSocketIO("/", ns => ns.OnConnection(socket => self!.ConfigureMain(socket)));
                app.MapSocketIO("/admin", ns => ns.OnConnection(socket =>
                {
                    self!.Track(socket);
                    socket.Emit("hello", "/admin");
                    socket.On("whoami", (_, ack) => Ack(ack, "/admin"));
                }));
                app.MapSocketIO("/private", ns => ns
                    .Use((socket, _) =>
                    {
                        var auth = socket.Handshake.Auth;
                        var token = auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("token", out var t) ? t.GetString() : null;
                        if (token != "secret")
                        {
                            throw new SocketIOConnectionRejectedException("not authorized", RejectionData);
                        }
                        return ValueTask.CompletedTask;
                    })
                    .OnConnection(socket =>
                    {
                        self!.Track(socket);
                        var info = new JsonObject
                        {
                            ["token"] = socket.Handshake.Auth.GetProperty("token").GetString(),
                            ["q"] = socket.Handshake.Query["q"].ToString(),
                        };
                        socket.Emit("handshake", info);
                    }));

                // A dynamic namespace: every name the pattern matches becomes a child with this middleware and handler.
                var teams = app.Services.GetRequiredService<SocketIOServer>().Of(new Regex("^/team-\\d+$", RegexOptions.None, TimeSpan.FromSeconds(1)));
                teams
                    .Use((socket, _) =>
                    {
                        var auth = socket.Handshake.Auth;
                        return auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("ban", out var ban) && ban.ValueKind == JsonValueKind.True
                            ? throw new SocketIOConnectionRejectedException("banned")
                            : ValueTask.CompletedTask;
                    })
                    .OnConnection(socket =>
                    {
                        self!.Track(socket);
                        socket.Emit("hello", socket.Namespace.Name);
                        socket.On("whoami", (_, ack) => Ack(ack, socket.Namespace.Name));
                        socket.On("parent-broadcast", (args, ack) =>
                        {
                            teams.Emit("team-message", args.GetElement(0).GetString());
                            return Ack(ack);
                        });
                    });
            });
        self = new InteropServer(host);
        return self;
    }

    private void Track(SocketIOSocket socket) =>
        socket.Disconnected += (s, reason) => DisconnectReasons[$"{s.Namespace.Name} {s.Id}"] = reason;

    private static ValueTask Ack(SocketIOAck ack, params object?[] args)
    {
        ack.Send(args);
        return ValueTask.CompletedTask;
    }

    private void ConfigureMain(SocketIOSocket socket)
    {
        Track(socket);
        socket.Emit("hello", "/");
        socket.On("whoami", (_, ack) => Ack(ack, "/"));
        socket.On("echo", (args, ack) =>
        {
            ack.Send(args, ArgumentEcho.WriteAll);
            return ValueTask.CompletedTask;
        });
        socket.On("notify", args => socket.Emit("notified", args, ArgumentEcho.WriteAll));
        socket.On("ask", _ => Background(async () =>
        {
            var answer = await socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("question", "q", 7);
            socket.Emit("answered", answer, ArgumentEcho.WriteAll);
        }));
        socket.On("echo-binary", (args, ack) =>
        {
            // Typed on purpose: the placeholders nested in the object resolve to byte[] properties.
            var payload = args.GetValue(0, InteropJsonContext.Default.BinaryPayload)!;
            var extra = args.GetValue(1, InteropJsonContext.Default.ByteArray)!;
            ack.Send((payload, extra), static (w, s) =>
            {
                w.WriteArgument(s.payload, InteropJsonContext.Default.BinaryPayload);
                w.WriteArgument(s.extra, InteropJsonContext.Default.ByteArray);
            });
            return ValueTask.CompletedTask;
        });
        socket.On("send-binary", _ => socket.Emit("binary", 0, static (w, _) =>
        {
            w.WriteArgument(new byte[] { 1, 2, 3 });
            w.WriteArgument(new BinaryData([255, 0, 127], 1), InteropJsonContext.Default.BinaryData);
        }));
        socket.On("ask-binary", _ => Background(async () =>
        {
            var answer = await socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("question-binary", "give");
            var bytes = answer.GetBinary(0).ToArray();
            var more = answer.GetValue(1, InteropJsonContext.Default.MoreBinary)!;
            socket.Emit("answered-binary", (bytes, more), static (w, s) =>
            {
                w.WriteArgument(s.bytes);
                w.WriteArgument(s.more, InteropJsonContext.Default.MoreBinary);
            });
        }));
        socket.On("join", (args, ack) =>
        {
            socket.Join(args.GetValue(0, InteropJsonContext.Default.String)!);
            return Ack(ack, true);
        });
        socket.On("leave", (args, ack) =>
        {
            socket.Leave(args.GetValue(0, InteropJsonContext.Default.String)!);
            return Ack(ack, true);
        });
        socket.On("broadcast-room", (args, ack) =>
        {
            socket.To(args.GetValue(0, InteropJsonContext.Default.String)!).Emit("room-message", args.GetValue(1, InteropJsonContext.Default.String));
            return Ack(ack);
        });
        socket.On("emit-rooms", (args, ack) =>
        {
            var rooms = args.GetValue(0, InteropJsonContext.Default.StringArray)!;
            socket.Namespace.To(rooms).Emit("room-message", args.GetValue(1, InteropJsonContext.Default.String));
            return Ack(ack);
        });
        socket.On("to-socket", (args, ack) =>
        {
            socket.Namespace.To(args.GetValue(0, InteropJsonContext.Default.String)!).Emit("room-message", args.GetValue(1, InteropJsonContext.Default.String));
            return Ack(ack);
        });
        socket.On("disconnect-me", _ => socket.Disconnect());
    }

    private void Background(Func<Task> work) => _ = Task.Run(async () =>
    {
        try
        {
            await work();
        }
        catch (Exception e)
        {
            HandlerErrors.Enqueue(e);
        }
    });

    /// <summary>Waits until the server reports a disconnect reason for the socket.</summary>
    public async Task<string?> WaitForDisconnectReasonAsync(string ns, string socketId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (DisconnectReasons.TryGetValue($"{ns} {socketId}", out var reason))
            {
                return reason;
            }
            await Task.Delay(20);
        }
        return null;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

public sealed record BinaryNested(byte[] Ab, List<byte[]> List);

public sealed record BinaryPayload(byte[] Buf, BinaryNested Nested, string Text);

public sealed record BinaryData(byte[] Data, int N);

public sealed record MoreBinary(byte[] More);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BinaryPayload))]
[JsonSerializable(typeof(BinaryData))]
[JsonSerializable(typeof(MoreBinary))]
[JsonSerializable(typeof(byte[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
public sealed partial class InteropJsonContext : JsonSerializerContext;
