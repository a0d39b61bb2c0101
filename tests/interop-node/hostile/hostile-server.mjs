// The official `socket.io` 4.8.4 server, default options, with the handlers of the hostile-input corpus
// (tests/TypedSocketIO.Reliability.Tests/CorpusServer.cs configures ours alike): the same hostile input is played against both
// and the outcomes compared.
//
//   node hostile/hostile-server.mjs [port] [short]      (default 0 = any free port; prints {"event":"listening","port":N})
//
// "short": pingInterval 1000, pingTimeout 1500, upgradeTimeout 1000, connectTimeout 1000 ms (the timer cases of the corpus).
//
// Namespaces "/", "/chat" and the dynamic /^\/dyn-\d+$/, each with:
//   - "echo": acknowledges its arguments unchanged (binary included)
//   - "reemit": emits "reemitted" with its arguments (the encoder walks them again: the hasBinary recursion)
//   - "join": joins the room given as a string, then acknowledges true
//   - "ask": emits "question" to the client with an acknowledgement and no timeout (a pending server→client ack)
//   - "broadcast-ask": broadcasts "question" to the socket's own room with a 300 ms ack timeout, then acknowledges
//     "timeout" or "answered"
//   - "spam": emits "spam" n times with a string of the given size
// "/refused" refuses every socket ("refused").
// Every server-side disconnect is printed as {"event":"disconnect","id":…,"reason":…}.
// stdin commands (one per line): "counts" prints {"event":"counts",...} (sessions, sockets, rooms, namespaces, acks).
// A crash of the process is the finding of a case: nothing here catches uncaught exceptions.
// Loopback only. Stops when stdin closes, or after 10 minutes.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

const httpServer = createServer();
const short = process.argv[3] === "short";
const io = new Server(httpServer, short ? { pingInterval: 1000, pingTimeout: 1500, upgradeTimeout: 1000, connectTimeout: 1000 } : {});

function handlers(socket) {
  socket.on("disconnect", (reason) => print("disconnect", { id: socket.id, reason }));
  socket.on("echo", (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : undefined;
    if (ack) ack(...args);
  });
  socket.on("reemit", (...args) => {
    if (typeof args.at(-1) === "function") args.pop();
    socket.emit("reemitted", ...args);
  });
  socket.on("join", (room, ack) => {
    if (typeof room === "string") socket.join(room);
    if (typeof ack === "function") ack(true);
  });
  socket.on("ask", () => socket.emit("question", "q", () => {}));
  socket.on("broadcast-ask", (ack) => {
    io.of(socket.nsp.name).to(socket.id).timeout(300).emit("question", "q", (err) => {
      if (typeof ack === "function") ack(err ? "timeout" : "answered");
    });
  });
  socket.on("spam", (count, size) => {
    const text = "s".repeat(size);
    for (let i = 0; i < count && socket.connected; i++) socket.emit("spam", text);
  });
}

io.on("connection", handlers);
io.of("/chat").on("connection", handlers);
io.of("/refused").use((socket, next) => next(new Error("refused")));
io.of(/^\/dyn-\d+$/).on("connection", handlers);

function counts() {
  let sockets = 0;
  let rooms = 0;
  let acks = 0;
  for (const nsp of io._nsps.values()) {
    sockets += nsp.sockets.size;
    rooms += nsp.adapter.rooms.size;
    for (const socket of nsp.sockets.values()) acks += socket.acks.size;
  }
  return { sessions: io.engine.clientsCount, sockets, rooms, namespaces: io._nsps.size, acks };
}

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "counts") print("counts", counts());
});
process.stdin.on("end", () => process.exit(0));
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();

httpServer.listen(port, "127.0.0.1", () => print("listening", { port: httpServer.address().port }));
