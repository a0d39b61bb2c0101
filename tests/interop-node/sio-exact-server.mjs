// The official `socket.io` 4.8.4 server with default options, for tests/TypedSocketIO.Interop.Tests/SocketIONodeExactnessTests.cs:
// a raw client sends the same frames to it and to our server (configured alike in the test) and the outcomes must be equal.
//
//   node sio-exact-server.mjs [port]      (default 0 = any free port; prints {"event":"listening","port":N})
//
// On "/", for every connection:
//   - a listener for each name of NAMES: emits ["handled", name, ...args] and, when asked, acknowledges ["ack", name]
//   - "nulls": emits ["nulled", null] and acknowledges [null]
//   - "json": emits "strings", "object" and "dto" made of STRINGS (below) and acknowledges STRINGS; "json-typed-ack":
//     acknowledges the "dto" object (the JSON text test)
//   - "handshake": acknowledges [socket.handshake]
//   - "cookies": acknowledges what the headers hook saw of the run (query "run"): "<transport> <method> <Cookie or ->"
//   - "please-ask": emits "ask-client" with an ack request, then "asked" when answered; "received": acknowledges the text of
//     every Socket.IO packet the client sent in its run (query "run"), in order
// Every handshake response sets the cookie "sticky=node-1" (engine "initial_headers").
// "/refused" refuses every socket with a message and data made of STRINGS.
//   - "sync": emits ["synced"] (the raw client's barrier: everything the previous frames caused came before it)
// Loopback only. Stops on SIGTERM/SIGINT, when stdin closes, or after 10 minutes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { KEY, KIND, STRINGS } from "./json-text.mjs";

const port = Number(process.argv[2] ?? 0);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

/** The listeners; keep in step with SocketIONodeExactnessTests.ListenerNames. */
const NAMES = ["1", "1.5", "0", "-1", "100", "1e+21", "1e-7", "Infinity", "-Infinity", "x"];

const httpServer = createServer();
const io = new Server(httpServer);

// A sticky-session cookie on the handshake response (initial_headers), and the Cookie header of every request of a run
// (headers, all responses: polling and the WebSocket upgrade), as "<transport> <method> <cookie or ->".
const seenByRun = new Map();
io.engine.on("initial_headers", (headers) => {
  headers["set-cookie"] = "sticky=node-1; Path=/; HttpOnly";
});
// The text of every Socket.IO packet a client of a run sent (the JSON text test of our .NET client).
const receivedByRun = new Map();
io.engine.on("connection", (conn) => {
  const run = conn.request._query.run;
  if (!run) return;
  receivedByRun.set(run, []);
  conn.on("packet", (packet) => {
    if (packet.type === "message" && typeof packet.data === "string") receivedByRun.get(run).push(packet.data);
  });
});
io.engine.on("headers", (headers, req) => {
  const query = new URL(req.url, "http://localhost").searchParams;
  const run = query.get("run");
  if (run) {
    if (!seenByRun.has(run)) seenByRun.set(run, []);
    seenByRun.get(run).push(`${query.get("transport")} ${req.method} ${req.headers.cookie ?? "-"}`);
  }
});

// a namespace that refuses every socket, with a message and data made of those strings
io.of("/refused").use((socket, next) => {
  const error = new Error(STRINGS[0] + STRINGS[2]);
  error.data = { [KEY]: STRINGS[1], list: STRINGS, n: [1.5, -0, 1e21] };
  next(error);
});

io.on("connection", (socket) => {
  for (const name of NAMES) {
    socket.on(name, (...args) => {
      const ack = typeof args.at(-1) === "function" ? args.pop() : undefined;
      socket.emit("handled", name, ...args);
      if (ack) ack("ack", name);
    });
  }
  // emit and ack with a single null argument
  socket.on("nulls", (ack) => {
    socket.emit("nulled", null);
    ack(null);
  });
  socket.on("sync", () => socket.emit("synced"));
  // JSON text: untyped strings, an object with an escaped key, the typed DTO's shape, an ack of the strings
  socket.on("json", (ack) => {
    socket.emit("strings", ...STRINGS);
    socket.emit("object", { [KEY]: STRINGS[0], nested: [{ [KEY]: STRINGS[2] }] });
    socket.emit("dto", { [KEY]: STRINGS[1], kind: KIND });
    ack(...STRINGS);
  });
  socket.on("json-typed-ack", (ack) => ack({ [KEY]: STRINGS[2], kind: KIND }));
  socket.on("please-ask", () => socket.emit("ask-client", () => socket.emit("asked")));
  socket.on("received", (ack) => ack(receivedByRun.get(socket.handshake.query.run) ?? []));
  socket.on("cookies", (ack) => ack(seenByRun.get(socket.handshake.query.run) ?? []));
  // the socket's handshake, as the handshake test compares it
  socket.on("handshake", (ack) => ack(socket.handshake));
});

httpServer.listen(port, "127.0.0.1", () => print("listening", { port: httpServer.address().port }));
const stop = () => io.close(() => process.exit(0));
process.on("SIGTERM", stop);
// the test host keeps stdin open; when it goes away (even by a crash), so does this server
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGINT", stop);
setTimeout(stop, 10 * 60 * 1000).unref();
