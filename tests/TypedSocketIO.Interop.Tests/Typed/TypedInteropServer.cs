using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;

namespace TypedSocketIO.Interop.Tests.Typed;

/// <summary>
/// Our server configured as tests/interop-node/SCENARIOS.md describes, with its handlers written through the typed API:
/// typed listeners and emitters, acknowledgements both ways, <c>byte[]</c> arguments as attachments, rooms through
/// <c>io.Of&lt;TReceive, TSend&gt;("/").To(…).Emit</c>, the typed namespace's <c>Use</c> middleware, a handler class
/// (<c>ns.UseHandler&lt;AdminHandler&gt;()</c>) and a server-side disconnect.
/// </summary>
/// <remarks>
/// Acknowledgements with several values are tuples and empty ones <c>Task&lt;ValueTuple&gt;</c>, in both directions.
/// Only the scenarios' <c>echo</c> uses the untyped surface of the same socket (<c>socket.Untyped</c>): it takes any
/// number of arguments of any type and acknowledges with the same ones, which a contract method (fixed arity and types)
/// cannot describe.
/// </remarks>
public sealed class TypedInteropServer : IScenarioHost
{
    private TypedInteropServer(LoopbackServer host, ScenarioLog log)
    {
        Host = host;
        Log = log;
    }

    public LoopbackServer Host { get; }

    public ScenarioLog Log { get; }

    public IReadOnlyCollection<Exception> HandlerErrors => Log.HandlerErrors;

    public static async Task<TypedInteropServer> StartAsync()
    {
        var log = new ScenarioLog();
        var host = await LoopbackServer.StartAsync(
            services =>
            {
                services.AddSingleton(log);
                services.AddSocketIO(o =>
                {
                    o.EngineIO.PingInterval = InteropServer.PingInterval;
                    o.EngineIO.PingTimeout = InteropServer.PingTimeout;
                });
            },
            app =>
            {
                var io = app.Services.GetRequiredService<SocketIOServer>();
                app.MapSocketIO<IScenarioServer, IScenarioClient>("/", ns => ns.OnConnection(socket => ConfigureMain(io, log, socket)));
                app.MapSocketIO<IAdminServer, IAdminClient>("/admin", ns => ns.UseHandler<AdminHandler>());
                app.MapSocketIO<IPrivateServer, IPrivateClient>("/private", ns => ns
                    .Use((socket, _) =>
                    {
                        if (TokenOf(socket.Handshake) != "secret")
                        {
                            throw SocketIOConnectionRejectedException.Create(
                                "not authorized", new Rejection(401, "bad token"), ScenarioJsonContext.Default.Rejection);
                        }
                        return ValueTask.CompletedTask;
                    })
                    .OnConnection(socket =>
                    {
                        log.Track(socket.Untyped);
                        socket.Emit.Handshake(new HandshakeInfo(TokenOf(socket.Handshake)!, socket.Handshake.Query["q"].ToString()));
                    }));

                // A dynamic namespace, typed: the parent's middleware and connection handler go to every child it creates.
                SocketIONamespace<ITeamServer, ITeamClient>? teams = null;
                app.MapSocketIO<ITeamServer, ITeamClient>(new Regex("^/team-\\d+$", RegexOptions.None, TimeSpan.FromSeconds(1)), ns => teams = ns
                    .Use((socket, _) =>
                    {
                        var auth = socket.Handshake.Auth;
                        return auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("ban", out var ban) && ban.ValueKind == JsonValueKind.True
                            ? throw new SocketIOConnectionRejectedException("banned")
                            : ValueTask.CompletedTask;
                    })
                    .OnConnection(socket =>
                    {
                        log.Track(socket.Untyped);
                        string name = socket.Untyped.Namespace.Name;
                        socket.Emit.Hello(name);
                        socket.On.Whoami(() => name);
                        socket.On.ParentBroadcast(message => teams!.Emit.TeamMessage(message));
                    }));
            });
        return new TypedInteropServer(host, log);
    }

    private static string? TokenOf(SocketIOHandshake handshake) =>
        handshake.Auth.ValueKind == JsonValueKind.Object && handshake.Auth.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;

    private static void ConfigureMain(SocketIOServer io, ScenarioLog log, SocketIOSocket<IScenarioServer, IScenarioClient> socket)
    {
        log.Track(socket.Untyped);
        var main = io.Of<IScenarioServer, IScenarioClient>("/");

        socket.Emit.Hello("/");
        socket.On.Whoami(() => "/");
        socket.On.Notify((label, value) => socket.Emit.Notified(label, value));
        socket.On.SendBinary(() => socket.Emit.Binary([1, 2, 3], new BinaryData([255, 0, 127], 1)));
        socket.On.Join(room =>
        {
            socket.Join(room);
            return true;
        });
        socket.On.Leave(room =>
        {
            socket.Leave(room);
            return true;
        });
        socket.On.BroadcastRoom((room, message) => socket.To(room).Emit.RoomMessage(message));
        socket.On.EmitRooms((rooms, message) => main.To(rooms).Emit.RoomMessage(message));
        socket.On.ToSocket((id, message) => main.To(id).Emit.RoomMessage(message));
        socket.On.DisconnectMe(() => socket.Disconnect());

        socket.On.Ask(() => log.Background(async () =>
        {
            var (label, number) = await socket.Timeout(TimeSpan.FromSeconds(5)).Emit.Question("q", 7);
            socket.Emit.Answered(label, number);
        }));
        socket.On.AskBinary(() => log.Background(async () =>
        {
            var (bytes, more) = await socket.Timeout(TimeSpan.FromSeconds(5)).Emit.QuestionBinary("give");
            socket.Emit.AnsweredBinary(bytes, more);
        }));
        socket.On.EchoBinary((payload, extra) => (payload, extra));

        // Untyped on purpose: `echo` takes any number of arguments of any type and acknowledges with the same ones;
        // a contract method has a fixed list of typed parameters, so no contract can describe it.
        socket.Untyped.On("echo", (args, ack) =>
        {
            ack.Send(args, ArgumentEcho.WriteAll);
            return ValueTask.CompletedTask;
        });
    }

    public Task<string?> WaitForDisconnectReasonAsync(string ns, string socketId, TimeSpan timeout) =>
        Log.WaitForDisconnectReasonAsync(ns, socketId, timeout);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary><c>/admin</c> as a handler class: an instance per event (and per connect and disconnect), from dependency injection.</summary>
public sealed class AdminHandler(ScenarioLog log) : SocketHandler<IAdminClient>, IAdminServer
{
    public override ValueTask OnConnectedAsync()
    {
        Socket.Emit.Hello("/admin");
        return ValueTask.CompletedTask;
    }

    public Task<string> Whoami() => Task.FromResult("/admin");

    public override ValueTask OnDisconnectedAsync(string reason)
    {
        log.DisconnectReasons[$"/admin {Socket.Id}"] = reason;
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a scenario server saw: disconnect reasons by "namespace socket-id", and handler errors.</summary>
public sealed class ScenarioLog
{
    public ConcurrentDictionary<string, string> DisconnectReasons { get; } = new();

    public ConcurrentQueue<Exception> HandlerErrors { get; } = new();

    public void Track(SocketIOSocket socket) =>
        socket.Disconnected += (s, reason) => DisconnectReasons[$"{s.Namespace.Name} {s.Id}"] = reason;

    public void Background(Func<Task> work) => _ = Task.Run(async () =>
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
}
