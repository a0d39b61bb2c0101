using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;
using TypedSocketIO.SocketIO;

namespace TypedSocketIO.Client.Tests.Functional;

/// <summary>Our server, in-process on Kestrel at 127.0.0.1, behaving as tests/interop-node/dotnet-client-server.mjs.</summary>
public sealed class OurSuiteServer : ISuiteServer
{
    private static readonly JsonElement RejectionData = JsonDocument.Parse("""{"code":401,"reason":"bad token"}""").RootElement.Clone();
    private readonly ConcurrentQueue<int> _sequence = new();
    private LoopbackServer? _server;
    private int _port;

    public Uri Uri => new($"http://127.0.0.1:{_port}/");

    public IReadOnlyList<int> Sequence => [.. _sequence];

    public static async Task<OurSuiteServer> StartAsync()
    {
        var server = new OurSuiteServer();
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        LoopbackServer server = await LoopbackServer.StartAsync(
            services =>
            {
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
                services.AddSocketIO(o =>
                {
                    o.EngineIO.PingInterval = TimeSpan.FromSeconds(1);
                    o.EngineIO.PingTimeout = TimeSpan.FromSeconds(1);
                });
            },
            app =>
            {
                app.MapSocketIO("/", ns => ns.OnConnection(Configure));
                app.MapSocketIO("/admin", ns => ns.OnConnection(socket => socket.On("whoami", (_, ack) => Send(ack, "/admin"))));
                app.MapSocketIO("/private", ns => ns
                    .Use((socket, _) =>
                    {
                        JsonElement auth = socket.Handshake.Auth;
                        bool ok = auth.ValueKind == JsonValueKind.Object && auth.TryGetProperty("token", out JsonElement t) && t.GetString() == "secret";
                        return ok ? ValueTask.CompletedTask : throw new SocketIOConnectionRejectedException("not authorized", RejectionData);
                    })
                    .OnConnection(socket => socket.On("whoami", (_, ack) => Send(ack, "/private"))));
            },
            port: _port);
        _server = server;
        _port = server.Url.Port;
    }

    public async Task StopAsync()
    {
        LoopbackServer? server = _server;
        _server = null;
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public string Describe() => "our server on port " + _port;

    public async ValueTask DisposeAsync() => await StopAsync();

    private static ValueTask Send(SocketIOAck ack, params object?[] arguments)
    {
        ack.Send(arguments);
        return ValueTask.CompletedTask;
    }

    private void Configure(SocketIOSocket socket)
    {
        socket.On("echo", (args, ack) =>
        {
            ack.Send(args, static (writer, a) =>
            {
                for (int i = 0; i < a.Count; i++)
                {
                    if (a.IsBinary(i))
                    {
                        writer.WriteBinary(a.GetBinary(i));
                    }
                    else
                    {
                        writer.WriteRawJson(a.GetRawJson(i).Span);
                    }
                }
            });
            return ValueTask.CompletedTask;
        });
        socket.On("auth", (_, ack) => Send(ack, socket.Handshake.Auth));
        socket.On("hello", args => socket.Emit("welcome", "hello " + args.GetElement(0).GetString(), 1));
        socket.On("add", (args, ack) => Send(ack, new JsonObject { ["value"] = args.GetElement(0).GetInt32() + args.GetElement(1).GetInt32() }));
        socket.On("reverse", (args, ack) =>
        {
            byte[] data = args.GetBinary(0).ToArray();
            Array.Reverse(data);
            return Send(ack, data);
        });
        socket.On("seq", args => _sequence.Enqueue(args.GetElement(0).GetInt32()));
        socket.On("ask", async (_, _) =>
        {
            try
            {
                SocketIOArguments answer = await socket.Timeout(TimeSpan.FromSeconds(5)).EmitWithAckAsync("question", "why");
                socket.Emit("answered", answer.GetElement(0).GetString());
            }
            catch (Exception)
            {
            }
        });
        socket.On("send-binary", _ => socket.Emit("data", new JsonObject { ["name"] = "blob", ["count"] = 3 }, new byte[] { 1, 2, 3 }));
        socket.On("kick", _ => socket.Disconnect());
    }
}
