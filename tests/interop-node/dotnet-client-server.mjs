// The server side of the .NET client's functional suite (tests/TypedSocketIO.Client.Tests), with the official
// `socket.io` package. The same behaviour is written with our server in ClientSuiteServers.cs.
//
//   node dotnet-client-server.mjs [port] [--recovery] [--log-requests] [--no-trailing-slash]
//   (port 0 = any free port; prints {"event":"listening","port":N})
//
// Prints {"event":"seq","n":N} for every "seq" event received; with --log-requests, {"event":"request","method":M,
// "url":U,"upgrade":bool,"headers":{…}} for every HTTP request and WebSocket handshake (headers: the x-* ones and
// sec-websocket-protocol). --no-trailing-slash serves the path "/socket.io" with addTrailingSlash: false. Loopback only. Stops when stdin closes, on
// SIGTERM/SIGINT, or after 5 minutes.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const recovery = process.argv.includes("--recovery");
const logRequests = process.argv.includes("--log-requests");
const noTrailingSlash = process.argv.includes("--no-trailing-slash");
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

const httpServer = createServer();
const io = new Server(httpServer, {
  pingInterval: 1000,
  pingTimeout: 1000,
  ...(noTrailingSlash ? { addTrailingSlash: false } : {}),
  ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 60000 } } : {}),
});

if (logRequests) {
  const log = (upgrade) => (req) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => name.startsWith("x-") || name === "sec-websocket-protocol"));
    print("request", { method: req.method, url: req.url, upgrade, headers });
  };
  httpServer.prependListener("request", log(false));
  httpServer.prependListener("upgrade", log(true));
}

io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = args.pop();
    ack(...args);
  });
  socket.on("auth", (ack) => ack(socket.handshake.auth));
  socket.on("hello", (name) => socket.emit("welcome", `hello ${name}`, 1));
  socket.on("add", (a, b, ack) => ack({ value: a + b }));
  socket.on("reverse", (data, ack) => ack(Buffer.from(data).reverse()));
  socket.on("seq", (n) => print("seq", { n }));
  socket.on("ask", () => {
    socket.timeout(5000).emit("question", "why", (err, answer) => {
      if (!err) socket.emit("answered", answer);
    });
  });
  socket.on("send-binary", () => socket.emit("data", { name: "blob", count: 3 }, Buffer.from([1, 2, 3])));
  socket.on("send-nested", () =>
    socket.emit("nested", { data: Buffer.from([1, 2, 3]), n: 1, list: [Buffer.from([4]), Buffer.from([5, 6])] }));
  socket.on("engine", (ack) => ack({ id: socket.conn.id, transport: socket.conn.transport.name }));
  socket.on("kick", () => socket.disconnect());
  // Acknowledged only from the third try on (the client's retries): prints {"event":"flaky","try":N} for each.
  let flakyTries = 0;
  socket.on("flaky", (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : undefined;
    print("flaky", { try: ++flakyTries });
    if (flakyTries >= 3) ack?.("ok", flakyTries);
  });
  socket.on("drop", () => {
    // State recovery: the connection is cut (a recoverable "forced close"), and an event is broadcast while the
    // client is away; the server replays it when the client comes back with its pid and offset.
    socket.conn.close();
    setTimeout(() => io.emit("missed", "while away"), 50);
  });
});

io.of("/admin").on("connection", (socket) => {
  socket.on("whoami", (ack) => ack("/admin"));
});

io.of("/private")
  .use((socket, next) => {
    if (socket.handshake.auth?.token === "secret") return next();
    const err = new Error("not authorized");
    err.data = { code: 401, reason: "bad token" };
    next(err);
  })
  .on("connection", (socket) => socket.on("whoami", (ack) => ack("/private")));

// A middleware that emits before the namespace's CONNECT: the client must buffer the event until it is connected
// (the official client's receiveBuffer).
io.of("/early")
  .use((socket, next) => {
    socket.emit("early", 1);
    next();
  })
  .on("connection", (socket) => socket.emit("welcome", "after connect", 2));

httpServer.listen(port, "127.0.0.1", () => print("listening", { port: httpServer.address().port }));

const stop = () => {
  io.close();
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, 5 * 60 * 1000).unref();
