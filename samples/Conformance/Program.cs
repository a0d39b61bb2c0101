// The server the official protocol test suites expect (the reference servers of the READMEs of
// socketio/socket.io-protocol and socketio/engine.io-protocol, folder test-suite/):
//
//   dotnet run --project samples/Conformance -- --urls http://127.0.0.1:3000              Socket.IO (path /socket.io/)
//   dotnet run --project samples/Conformance -- --engineio --urls http://127.0.0.1:3000   raw Engine.IO echo (path /engine.io/)
//
// Both: pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1 000 000, CORS allowing any origin.
// Socket.IO: connectTimeout 1000 ms; on "/" and "/custom" it emits "auth" with the CONNECT's auth
// object; on "/" it answers "message" with "message-back" and the same arguments, and acknowledges
// "message-with-ack" with its arguments (binary attachments included).
//
// --auth-delay-ms N (default 20): the "auth" event is emitted N ms after the connection. The suite's
// WebSocket client drops a second message that arrives in the same TCP read as the CONNECT answer
// (it registers its next listener only after an await), which makes the reference Node server fail
// some "connect" tests intermittently too; a short delay keeps the two frames apart. 0 = at once,
// exactly as the README's server.
using System.Globalization;
using TypedSocketIO.EngineIO;
using TypedSocketIO.Samples.Conformance;
using TypedSocketIO.Server;

var engineIOOnly = false;
var authDelay = TimeSpan.FromMilliseconds(20);
var hostArgs = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--engineio":
            engineIOOnly = true;
            break;
        case "--auth-delay-ms" when i + 1 < args.Length:
            authDelay = TimeSpan.FromMilliseconds(int.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        default:
            hostArgs.Add(args[i]);
            break;
    }
}

var pingInterval = TimeSpan.FromMilliseconds(300);
var pingTimeout = TimeSpan.FromMilliseconds(200);
const int MaxPayload = 1_000_000;

var builder = WebApplication.CreateSlimBuilder(hostArgs.ToArray());
builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
if (!engineIOOnly)
{
    builder.Services.AddSocketIO(options =>
    {
        options.Path = "/socket.io/";
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
        options.EngineIO.PingInterval = pingInterval;
        options.EngineIO.PingTimeout = pingTimeout;
        options.EngineIO.MaxHttpBufferSize = MaxPayload;
    });
}

var app = builder.Build();
app.UseCors();

if (engineIOOnly)
{
    app.MapEngineIO("/engine.io/", new EchoHandler(), options =>
    {
        options.PingInterval = pingInterval;
        options.PingTimeout = pingTimeout;
        options.MaxHttpBufferSize = MaxPayload;
    }).RequireCors(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
}
else
{
    void EmitAuth(SocketIOSocket socket)
    {
        if (authDelay <= TimeSpan.Zero)
        {
            socket.Emit("auth", socket.Handshake.AuthJson, static (writer, auth) => writer.WriteRawJson(auth.Span));
            return;
        }

        _ = Task.Delay(authDelay, socket.DisconnectedToken).ContinueWith(
            static (task, state) =>
            {
                var s = (SocketIOSocket)state!;
                if (!task.IsCanceled && s.Connected)
                {
                    s.Emit("auth", s.Handshake.AuthJson, static (writer, auth) => writer.WriteRawJson(auth.Span));
                }
            },
            socket,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    app.MapSocketIO("/", ns => ns.OnConnection(socket =>
    {
        EmitAuth(socket);
        socket.On("message", arguments => socket.Emit("message-back", arguments, ArgumentEcho.WriteAll));
        socket.On("message-with-ack", (arguments, ack) =>
        {
            ack.Send(arguments, ArgumentEcho.WriteAll);
            return ValueTask.CompletedTask;
        });
    })).RequireCors(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
    app.MapSocketIO("/custom", ns => ns.OnConnection(EmitAuth));
}

app.Run();

/// <summary>The Engine.IO echo of the engine.io-protocol test suite: every message goes back as it came, text or binary.</summary>
internal sealed class EchoHandler : IEngineIOHandler
{
    public ValueTask OnOpenAsync(EngineIOConnection connection) => ValueTask.CompletedTask;

    // The buffers are valid only during the call: send copies.
    public ValueTask OnTextAsync(EngineIOConnection connection, ReadOnlyMemory<byte> utf8)
    {
        connection.TrySend(EngineIOMessage.Text(utf8.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnBinaryAsync(EngineIOConnection connection, ReadOnlyMemory<byte> data)
    {
        connection.TrySend(EngineIOMessage.Binary(data.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCloseAsync(EngineIOConnection connection, EngineIOCloseReason reason) => ValueTask.CompletedTask;
}
