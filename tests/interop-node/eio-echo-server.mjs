// An echo server written with the official `engine.io` package, for the tests of the .NET Engine.IO client
// (tests/TypedSocketIO.Client.Tests/EngineIO).
//
//   node eio-echo-server.mjs [pingIntervalMs] [pingTimeoutMs]   (prints {"event":"listening","port":N})
//
// Serves /engine.io/ on 127.0.0.1 (any free port). Every message is echoed, except the text "close-me", which
// makes the server close the session. Prints "connection" (with the transport, the query parameter q and the
// x-test header), "upgrade" and "close" lines. Stops on SIGTERM/SIGINT, when stdin closes, or after 5 minutes.
import { createServer } from "node:http";
import { attach } from "engine.io";

const pingInterval = Number(process.argv[2] ?? 300);
const pingTimeout = Number(process.argv[3] ?? 300);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

const httpServer = createServer();
const engine = attach(httpServer, { path: "/engine.io", pingInterval, pingTimeout });

engine.on("connection", (socket) => {
  print("connection", {
    transport: socket.transport.name,
    q: socket.request._query?.q ?? null,
    header: socket.request.headers["x-test"] ?? null,
  });
  socket.on("upgrade", (transport) => print("upgrade", { transport: transport.name }));
  socket.on("message", (data) => {
    if (data === "close-me") {
      socket.close();
    } else {
      socket.send(data);
    }
  });
  socket.on("close", (reason) => print("close", { reason }));
});

httpServer.listen(0, "127.0.0.1", () => print("listening", { port: httpServer.address().port }));

const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
setTimeout(stop, 5 * 60 * 1000).unref();
