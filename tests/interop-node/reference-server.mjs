// The server side of SCENARIOS.md written with the official `socket.io` package: it proves the
// scenarios themselves against the reference implementation.
//
//   node reference-server.mjs [port]      (default 0 = any free port; prints {"event":"listening","port":N})
//
// Every server-side disconnect is printed as {"event":"server-disconnect","nsp":...,"id":...,"reason":...}.
// Loopback only. Stops on SIGTERM/SIGINT, when stdin closes, or after 10 minutes.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

const httpServer = createServer();
const io = new Server(httpServer, { pingInterval: 1000, pingTimeout: 500, cors: { origin: "*" } });

function track(socket) {
  socket.on("disconnect", (reason) => print("server-disconnect", { nsp: socket.nsp.name, id: socket.id, reason }));
}

io.on("connection", (socket) => {
  track(socket);
  socket.emit("hello", "/");
  socket.on("whoami", (ack) => ack("/"));
  socket.on("echo", (...args) => {
    const ack = args.pop();
    ack(...args);
  });
  socket.on("notify", (...args) => socket.emit("notified", ...args));
  socket.on("ask", () => {
    socket.timeout(5000).emit("question", "q", 7, (err, ...answer) => {
      if (!err) socket.emit("answered", ...answer);
    });
  });
  socket.on("echo-binary", (payload, extra, ack) => ack(payload, extra));
  socket.on("send-binary", () => socket.emit("binary", Buffer.from([1, 2, 3]), { data: Buffer.from([255, 0, 127]), n: 1 }));
  socket.on("ask-binary", () => {
    socket.timeout(5000).emit("question-binary", "give", (err, bytes, more) => {
      if (!err) socket.emit("answered-binary", bytes, { more: more.more });
    });
  });
  socket.on("join", (room, ack) => {
    socket.join(room);
    ack(true);
  });
  socket.on("leave", (room, ack) => {
    socket.leave(room);
    ack(true);
  });
  socket.on("broadcast-room", (room, msg, ack) => {
    socket.to(room).emit("room-message", msg);
    ack();
  });
  socket.on("emit-rooms", (rooms, msg, ack) => {
    io.to(rooms).emit("room-message", msg);
    ack();
  });
  socket.on("to-socket", (id, msg, ack) => {
    io.to(id).emit("room-message", msg);
    ack();
  });
  socket.on("disconnect-me", () => socket.disconnect());
});

io.of("/admin").on("connection", (socket) => {
  track(socket);
  socket.emit("hello", "/admin");
  socket.on("whoami", (ack) => ack("/admin"));
});

const priv = io.of("/private");
priv.use((socket, next) => {
  if (socket.handshake.auth?.token === "secret") return next();
  const err = new Error("not authorized");
  err.data = { code: 401, reason: "bad token" };
  next(err);
});
priv.on("connection", (socket) => {
  track(socket);
  socket.emit("handshake", { token: socket.handshake.auth.token, q: socket.handshake.query.q });
});

// A dynamic namespace: every name the pattern matches becomes a child, with this middleware and connection handler.
const teams = io.of(/^\/team-\d+$/);
teams.use((socket, next) => (socket.handshake.auth?.ban === true ? next(new Error("banned")) : next()));
teams.on("connection", (socket) => {
  track(socket);
  socket.emit("hello", socket.nsp.name);
  socket.on("whoami", (ack) => ack(socket.nsp.name));
  socket.on("parent-broadcast", (message, ack) => {
    teams.emit("team-message", message);
    ack();
  });
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
