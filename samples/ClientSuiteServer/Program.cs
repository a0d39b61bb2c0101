// The support servers of the official client test suites (socketio/socket.io, packages/socket.io-client/test/support/server.ts
// and packages/engine.io-client/test/support/hooks.js), written on the public API of TypedSocketIO only:
//
//   dotnet run --project samples/ClientSuiteServer
//
// listens on http://localhost:3210 (Socket.IO, path /socket.io/, what the socket.io-client suite expects) and on
// http://localhost:3000 (raw Engine.IO, path /engine.io/, what the engine.io-client suite expects). --urls replaces both.
// run-official-suites.sh starts it and runs both suites against it.
using TypedSocketIO.Samples.ClientSuiteServer;
using TypedSocketIO.Server;

var builder = WebApplication.CreateSlimBuilder(args);
if (builder.Configuration["urls"] is null)
{
    builder.WebHost.UseUrls("http://localhost:3210", "http://localhost:3000");
}

builder.Services.AddHttpContextAccessor();
builder.Services.AddSocketIO(SocketIOSuite.Configure);

var app = builder.Build();
SocketIOSuite.Map(app);
EngineIOSuite.Map(app);
app.Run();
