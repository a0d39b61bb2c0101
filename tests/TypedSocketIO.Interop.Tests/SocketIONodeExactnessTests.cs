using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TypedSocketIO.Interop.Tests.Infrastructure;
using TypedSocketIO.Server;
using Xunit.Abstractions;

namespace TypedSocketIO.Interop.Tests;

/// <summary>
/// Socket.IO behaviours where we must do what the official server does: the official socket.io 4.8.4
/// (tests/interop-node/sio-exact-server.mjs) and our server (<see cref="Fixture"/>, configured alike) get the same raw frames
/// over WebSocket and over polling, and what each answers must be the same.
/// </summary>
public sealed class SocketIONodeExactnessTests(SocketIONodeExactnessTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<SocketIONodeExactnessTests.Fixture>
{
    /// <summary>The listeners of both servers; keep in step with NAMES in sio-exact-server.mjs.</summary>
    public static readonly string[] ListenerNames = ["1", "1.5", "0", "-1", "100", "1e+21", "1e-7", "Infinity", "-Infinity", "x"];

    public static readonly string[] Transports = ["websocket", "polling"];

    /// <summary>Event frames whose first element is a number, or something else socket.io-parser judges.</summary>
    public static readonly string[] EventNameFrames =
    [
        "2[1,\"x\"]",          // a number: dispatched to the listener of "1"
        "2[1.0,\"y\",2]",      // the same number written otherwise
        "2[1.5]",
        "2[-0]",               // String(-0) is "0"
        "2[-1,{\"a\":[1]}]",
        "2[1E2]",              // "100"
        "2[1e21]",             // "1e+21"
        "2[0.0000001]",        // "1e-7"
        "2[1e400]",            // JSON.parse gives Infinity
        "2[-1e400]",
        "27[1,\"x\"]",         // with an ack request: the listener acknowledges
        "2[2,\"nobody\"]",     // a number nobody listens to: ignored, the connection stays
        "29[2]",               // and with an ack request: no answer
        "2[\"x\",\"s\"]",      // a string, for reference
        "2[true]",             // neither string nor number: refused
        "2[false,1]",
        "2[null]",
        "2[{}]",
        "2[[1]]",
        "2[]",
        "2[\"connect\"]",      // reserved names: refused
        "2[\"disconnect\",1]",
        "2[\"newListener\"]",
    ];

    public static TheoryData<string, string> EventNameCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var transport in Transports)
        {
            foreach (var frame in EventNameFrames)
            {
                data.Add(transport, frame);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EventNameCases))]
    public async Task Event_name_is_accepted_or_refused_and_dispatched_as_node_does(string transport, string frame)
    {
        var node = await PlayAsync(fixture.NodeAddress, transport, frame);
        var ours = await PlayAsync(fixture.OurAddress, transport, frame);
        output.WriteLine($"node: {node}\nours: {ours}");
        Assert.Equal(node, ours);
    }

    [Fact]
    public async Task Numeric_event_names_are_accepted_by_node_and_by_us()
    {
        // The cases above compare; this pins what they compare, so that two servers closing alike cannot pass unnoticed.
        foreach (var address in new[] { fixture.NodeAddress, fixture.OurAddress })
        {
            Assert.Equal("42[\"handled\",\"1\",\"x\"] | 42[\"synced\"]", await PlayAsync(address, "websocket", "2[1,\"x\"]"));
            Assert.Equal("42[\"handled\",\"Infinity\"] | 42[\"synced\"]", await PlayAsync(address, "polling", "2[1e400]"));
            Assert.Equal("42[\"handled\",\"1\",\"x\"] | 437[\"ack\",\"1\"] | 42[\"synced\"]", await PlayAsync(address, "websocket", "27[1,\"x\"]"));
            Assert.Equal("(closed)", await PlayAsync(address, "websocket", "2[true]"));
        }
    }

    [Theory]
    [MemberData(nameof(TransportModes))]
    public async Task Emit_and_ack_with_null_send_one_null_argument_as_node_does(string transport)
    {
        var node = await PlayAsync(fixture.NodeAddress, transport, "25[\"nulls\"]");
        var ours = await PlayAsync(fixture.OurAddress, transport, "25[\"nulls\"]");
        output.WriteLine($"node: {node}\nours: {ours}");
        Assert.Equal("42[\"nulled\",null] | 435[null] | 42[\"synced\"]", node);
        Assert.Equal(node, ours);
    }

    public static TheoryData<string> TransportModes() => new(Transports);

    /// <summary>
    /// Connects to "/", sends <paramref name="frame"/> (a Socket.IO packet) then the barrier <c>2["sync"]</c>, and returns
    /// every packet received up to the barrier's answer, or up to the session's end (then "(closed)" ends the list).
    /// </summary>
    private static async Task<string> PlayAsync(string address, string transport, string frame)
    {
        await using var client = await RawSocketIOClient.OpenAsync(address, transport);
        var connect = await client.ConnectAsync();
        Assert.StartsWith("0{\"sid\":", connect, StringComparison.Ordinal);
        await client.SendAsync(frame);
        await client.SendAsync("2[\"sync\"]");
        var received = new List<string>();
        while (true)
        {
            var packet = await client.ReceiveAsync();
            received.Add(packet ?? "(closed)");
            if (packet is null or "2[\"synced\"]")
            {
                return string.Join(" | ", received.Select(p => p == "(closed)" ? p : "4" + p));
            }
        }
    }

    /// <summary>Both servers for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private NodeProcess? _node;
        private LoopbackServer? _ours;

        public string NodeAddress { get; private set; } = "";

        public string OurAddress => _ours!.BaseAddress;

        public async Task InitializeAsync()
        {
            var (process, ready) = await NodeProcess.StartAsync(
                "sio-exact-server.mjs", ["0"], "listening", TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10));
            _node = process;
            NodeAddress = $"http://127.0.0.1:{ready.GetProperty("port").GetInt32()}";
            _ours = await LoopbackServer.StartAsync(
                services => services.AddSocketIO(),
                app => app.MapSocketIO("/", ns => ns.OnConnection(Configure)));
        }

        /// <summary>What sio-exact-server.mjs does on "/", with our untyped API.</summary>
        private static void Configure(SocketIOSocket socket)
        {
            foreach (var name in ListenerNames)
            {
                socket.On(name, (args, ack) =>
                {
                    var values = new object?[args.Count + 1];
                    values[0] = name;
                    for (var i = 0; i < args.Count; i++)
                    {
                        values[i + 1] = args.GetElement(i);
                    }
                    socket.Emit("handled", values);
                    ack.Send("ack", name);
                    return ValueTask.CompletedTask;
                });
            }
            socket.On("nulls", (_, ack) =>
            {
                socket.Emit("nulled", null);
                ack.Send(null);
                return ValueTask.CompletedTask;
            });
            socket.On("sync", _ => socket.Emit("synced"));
        }

        public async Task DisposeAsync()
        {
            if (_ours is not null)
            {
                await _ours.DisposeAsync();
            }
            if (_node is not null)
            {
                await _node.DisposeAsync();
            }
        }
    }
}
