// The official socket.io server under test of bench/run.sh, with the same behaviour as bench/Servers/BenchServer:
// "echo" and "echoBinary" acknowledge their arguments, "join" joins a room (ack true), "broadcast" emits "tick" to a room.
// Default options of `new Server()`. Listens on 127.0.0.1 (port from --port, 0 = a free one) and prints
// "listening on http://127.0.0.1:<port>". With --redis 127.0.0.1:PORT it is one node of a cluster on the official
// @socket.io/redis-adapter 8.3.0 (ioredis 5.8.2), as the cluster-fanout scenario runs it.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";

const argument = (name) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const port = Number(argument("--port") ?? 0);
const redis = argument("--redis");

const httpServer = createServer();
const io = new Server(httpServer);
if (redis) {
  const [host, redisPort] = redis.split(":");
  const pubClient = new Redis({ host, port: Number(redisPort) });
  const subClient = pubClient.duplicate();
  io.adapter(createAdapter(pubClient, subClient));
}

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
