using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Server;
using TypedSocketIO.Testing;

namespace TypedSocketIO.AdminUI.Tests;

/// <summary>
/// A server on a loopback port with the admin UI (basic authentication admin / changeit unless configured otherwise) and a main
/// namespace whose sockets join <c>lobby</c>, answer <c>hello</c> by emitting <c>world</c> with the same arguments, and take the
/// object of <c>setData</c> as their data; or the same application on Node with the official packages.
/// </summary>
public sealed class AdminUIServer : IAsyncDisposable
{
    /// <summary>bcryptjs 2.4.3's hashSync("changeit", 4).</summary>
    public const string ChangeItHash = "$2a$04$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jdm";

    public static readonly string GoodAuth = """{"username":"admin","password":"changeit"}""";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<NodeScript> _scripts = [];

    private readonly NodeScript? _reference;

    private AdminUIServer(LoopbackServer server)
    {
        Loopback = server;
        BaseAddress = server.BaseAddress;
    }

    private AdminUIServer(NodeScript reference, int port)
    {
        _reference = reference;
        BaseAddress = $"http://127.0.0.1:{port}";
    }

    /// <summary>Our server; <see langword="null"/> for the Node reference.</summary>
    public LoopbackServer? Loopback { get; }

    public string BaseAddress { get; }

    public SocketIOServer Io => (Loopback ?? throw new InvalidOperationException("the Node reference has no SocketIOServer")).Services.GetRequiredService<SocketIOServer>();

    /// <summary>Our server ("dotnet") or the official one instrumented by the official package ("node"), with the same application.</summary>
    public static Task<AdminUIServer> StartAsync(string kind, SocketIOAdminUIMode mode = SocketIOAdminUIMode.Development, bool readOnly = false) =>
        kind == "node" ? StartNodeAsync(mode, readOnly) : StartAsync(o =>
        {
            o.Mode = mode;
            o.ReadOnly = readOnly;
        });

    /// <summary>The reference: socket.io 4.8.4 with @socket.io/admin-ui 0.5.1's instrument() (tests/interop-node/admin-reference-server.mjs).</summary>
    public static async Task<AdminUIServer> StartNodeAsync(SocketIOAdminUIMode mode = SocketIOAdminUIMode.Development, bool readOnly = false, bool msgpack = false)
    {
        NodeScript node = NodeScript.Start(
            "admin-reference-server.mjs", mode == SocketIOAdminUIMode.Development ? "development" : "production", readOnly ? "true" : "false", msgpack ? "msgpack" : "json");
        try
        {
            JsonElement listening = await node.WaitForLineAsync(l => l.GetProperty("event").GetString() == "listening", Timeout);
            return new AdminUIServer(node, listening.GetProperty("port").GetInt32()) { Parser = msgpack ? "msgpack" : "json" };
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public static async Task<AdminUIServer> StartAsync(Action<SocketIOAdminUIOptions>? configure = null, bool msgpack = false, string? redis = null)
    {
        LoopbackServer server = await LoopbackServer.StartAsync(
            services =>
            {
                ISocketIOServerBuilder builder = services
                    .AddSocketIO(o => o.Parser = msgpack ? TypedSocketIO.MessagePack.SocketIOMessagePackParser.Instance : null)
                    .AddAdminUI(o =>
                    {
                        o.Authentication = SocketIOAdminUIAuthentication.Basic("admin", ChangeItHash);
                        o.ServerId = "dotnet-1";
                        configure?.Invoke(o);
                    });
                if (redis is not null)
                {
                    builder.AddRedisAdapter(o => o.Configuration = redis);
                }
            },
            app => app.MapSocketIO("/", ns => ns.OnConnection(socket =>
            {
                socket.Join("lobby");
                socket.On("hello", (args, ack) =>
                {
                    object?[] values = new object?[args.Count];
                    for (int i = 0; i < args.Count; i++)
                    {
                        values[i] = args.IsBinary(i) ? args.GetBinary(i).ToArray() : args.GetElement(i);
                    }

                    socket.Emit("world", values);
                    return ValueTask.CompletedTask;
                });
                socket.On("setData", args => socket.Data = args.GetElement(0));
            })));
        return new AdminUIServer(server) { Parser = msgpack ? "msgpack" : "json" };
    }

    /// <summary>The parser the clients use: <c>json</c> (the default) or <c>msgpack</c> (socket.io-msgpack-parser).</summary>
    public string Parser { get; private init; } = "json";

    /// <summary>Starts the official client as the dashboard does, on <paramref name="ns"/> with <paramref name="authJson"/>.</summary>
    public NodeScript StartClient(string ns = "/admin", string? authJson = null, string transport = "websocket")
    {
        NodeScript script = NodeScript.Start("admin-client.mjs", BaseAddress, ns, authJson ?? GoodAuth, transport, Parser);
        _scripts.Add(script);
        return script;
    }

    /// <summary>Closes a client's stdin (it disconnects and exits) and forgets it.</summary>
    public async Task StopClientAsync(NodeScript client)
    {
        _scripts.Remove(client);
        await client.DisposeAsync();
    }

    public static Task<JsonElement> WaitForEventAsync(NodeScript client, string name, Func<JsonElement, bool>? match = null) =>
        client.WaitForLineAsync(
            l => l.GetProperty("event").GetString() == "received" && l.GetProperty("name").GetString() == name && (match is null || match(l.GetProperty("args"))),
            Timeout);

    public static Task<JsonElement> WaitForAsync(NodeScript client, string @event) =>
        client.WaitForLineAsync(l => l.GetProperty("event").GetString() == @event, Timeout);

    /// <summary>The names of the events received so far, in order.</summary>
    public static List<string> ReceivedNames(NodeScript client) =>
        [.. client.Lines.Where(l => l.GetProperty("event").GetString() == "received").Select(l => l.GetProperty("name").GetString()!)];

    public static Task SendAsync(NodeScript client, string name, params object?[] args) =>
        client.SendAsync(new System.Text.Json.Nodes.JsonObject { ["emit"] = name, ["args"] = new System.Text.Json.Nodes.JsonArray([.. args.Select(ToNode)]) }.ToJsonString());

    private static System.Text.Json.Nodes.JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => System.Text.Json.Nodes.JsonValue.Create(s),
        bool b => System.Text.Json.Nodes.JsonValue.Create(b),
        int i => System.Text.Json.Nodes.JsonValue.Create(i),
        System.Text.Json.Nodes.JsonNode n => n,
        _ => throw new ArgumentException("unsupported " + value.GetType()),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (NodeScript script in _scripts)
        {
            await script.DisposeAsync();
        }

        if (Loopback is not null)
        {
            await Loopback.DisposeAsync();
        }

        if (_reference is not null)
        {
            await _reference.DisposeAsync();
        }
    }
}
