// The official socket.io server under test of bench/run.sh, with the same behaviour as bench/Servers/BenchServer:
// "echo" and "echoBinary" acknowledge their arguments, "join" joins a room (ack true), "broadcast" emits "tick" to a room.
// Default options of `new Server()`. Listens on 127.0.0.1 (port from --port, 0 = a free one) and prints
// "listening on http://127.0.0.1:<port>".
import { createServer } from "node:http";
import { Server } from "socket.io";

const portArgument = process.argv.indexOf("--port");
const port = portArgument > 0 ? Number(process.argv[portArgument + 1]) : 0;

const httpServer = createServer();
const io = new Server(httpServer);

io.on("connection", (socket) => {
  const echo = (...args) => {
    const callback = args.pop();
    if (typeof callback === "function") callback(...args);
  };
  socket.on("echo", echo);
  socket.on("echoBinary", echo);
  socket.on("join", (room, callback) => {
    socket.join(room);
    if (typeof callback === "function") callback(true);
  });
  socket.on("broadcast", (room, payload) => io.to(room).emit("tick", payload));
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${httpServer.address().port}`);
});

process.on("SIGTERM", () => process.exit(0));
