// The official `socket.io` 4.8.4 server with default options, for tests/TypedSocketIO.Interop.Tests/SocketIONodeExactnessTests.cs:
// a raw client sends the same frames to it and to our server (configured alike in the test) and the outcomes must be equal.
//
//   node sio-exact-server.mjs [port]      (default 0 = any free port; prints {"event":"listening","port":N})
//
// On "/", for every connection:
//   - a listener for each name of NAMES: emits ["handled", name, ...args] and, when asked, acknowledges ["ack", name]
//   - "nulls": emits ["nulled", null] and acknowledges [null]
//   - "handshake": acknowledges [socket.handshake]
//   - "sync": emits ["synced"] (the raw client's barrier: everything the previous frames caused came before it)
// Loopback only. Stops on SIGTERM/SIGINT, when stdin closes, or after 10 minutes.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

/** The listeners; keep in step with SocketIONodeExactnessTests.ListenerNames. */
const NAMES = ["1", "1.5", "0", "-1", "100", "1e+21", "1e-7", "Infinity", "-Infinity", "x"];

const httpServer = createServer();
const io = new Server(httpServer);

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
