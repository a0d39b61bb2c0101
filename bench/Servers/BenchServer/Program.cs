// The server under test of bench/run.sh (see BenchServer.csproj). Default options everywhere, as a user would start.
//
//   BenchServer --api untyped|typed --urls http://127.0.0.1:0      prints "listening on <address>"
//   … --api bare                  not Socket.IO: the reference of the acks scenario (BareEchoHandler.cs)
//   … --redis 127.0.0.1:PORT      one node of a cluster on the Redis adapter (JIT build only: see BenchServer.csproj)
//   … --kestrel-inline true       SocketTransportOptions.UnsafePreferInlineScheduling (a tuning, off by default)
using BenchServer;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TypedSocketIO.SocketIO;
using TypedSocketIO.Server;

string api = "untyped";
string? redis = null;
bool kestrelInline = args.Contains("--kestrel-inline");
for (int i = 0; i + 1 < args.Length; i++)
{
    if (args[i] == "--api")
    {
        api = args[i + 1];
    }
    else if (args[i] == "--redis")
    {
        redis = args[i + 1];
    }
}

var builder = WebApplication.CreateSlimBuilder(args);
if (kestrelInline)
{
    // A tuning (bench/run.sh's untyped-jit-tuned), not a default: Kestrel runs the application's continuations on the thread
    // that completed the socket operation instead of dispatching them to the thread pool.
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
}
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (api == "bare")
{
    // Every connection goes to the reference handler: no HTTP pipeline, no Socket.IO.
    builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.UseConnectionHandler<BareEchoHandler>()));
}

ISocketIOServerBuilder socketIO = builder.Services.AddSocketIO();
if (redis is not null)
{
#if BENCH_REDIS
    socketIO.AddRedisAdapter(o => o.Configuration = redis);
#else
    Console.Error.WriteLine("--redis needs the JIT build of BenchServer (the NativeAOT publish leaves the Redis adapter out)");
    return 2;
#endif
}
var app = builder.Build();

if (api == "typed")
{
    SocketIONamespace<IBenchServer, IBenchClient>? main = null;
    app.MapSocketIO<IBenchServer, IBenchClient>("/", ns => ns.OnConnection(socket =>
    {
        main ??= app.Services.GetRequiredService<SocketIOServer>().Of<IBenchServer, IBenchClient>("/");
        socket.On.Echo(payload => payload);
        socket.On.EchoBinary(data => data);
        socket.On.Join(room =>
        {
            socket.Join(room);
            return true;
        });
        socket.On.Broadcast((room, payload) => main.To(room).Emit.Tick(payload));
    }));
}
else if (api == "untyped")
{
    app.MapSocketIO("/", ns => ns.OnConnection(socket =>
    {
        socket.On("echo", (arguments, ack) =>
        {
            ack.Send(arguments, EchoArguments);
            return ValueTask.CompletedTask;
        });
        socket.On("echoBinary", (arguments, ack) =>
        {
            ack.Send(arguments, EchoArguments);
            return ValueTask.CompletedTask;
        });
        socket.On("join", (arguments, ack) =>
        {
            socket.Join(arguments.GetElement(0).GetString()!);
            ack.Send(true);
            return ValueTask.CompletedTask;
        });
        socket.On("broadcast", arguments =>
        {
            string room = arguments.GetElement(0).GetString()!;
            socket.Namespace.To(room).Emit("tick", arguments, static (writer, a) => writer.WriteRawJson(a.GetRawJson(1).Span));
        });
    }));
}
else if (api != "bare")
{
    Console.Error.WriteLine($"unknown --api {api} (untyped, typed or bare)");
    return 2;
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (string address in addresses)
    {
        Console.WriteLine($"listening on {address}");
    }
});

app.Run();
return 0;

// Writes every received argument back: JSON as it came, attachments as attachments.
static void EchoArguments(SocketIOPacketWriter writer, SocketIOArguments arguments)
{
    for (int i = 0; i < arguments.Count; i++)
    {
        if (arguments.IsBinary(i))
        {
            writer.WriteBinary(arguments.GetBinary(i));
        }
        else
        {
            writer.WriteRawJson(arguments.GetRawJson(i).Span);
        }
    }
}
