// The reference for tests/TypedSocketIO.AdminUI.Tests: the official socket.io 4.8.4 server instrumented by the official
// @socket.io/admin-ui 0.5.1, with the same application as the .NET server of those tests.
//
//   node admin-reference-server.mjs <development|production> <readonly: true|false> [json|msgpack]
//
// Listens on 127.0.0.1 (a free port) and prints {"event":"listening","port":…}. Basic authentication admin / changeit (a bcryptjs
// hash), serverId "node-1". Sockets of "/" join "lobby", answer "hello" by emitting "world" with the same arguments, and copy the
// entries of the object of "setData" into socket.data. Exits
// when stdin closes, or after 2 minutes. Loopback only.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { instrument } from "@socket.io/admin-ui";
import msgpackParser from "socket.io-msgpack-parser";

const [mode, readonly, parser] = process.argv.slice(2);
setTimeout(() => process.exit(2), 120000).unref();

const httpServer = createServer();
const io = new Server(httpServer, parser === "msgpack" ? { parser: msgpackParser } : {});
instrument(io, {
  auth: { type: "basic", username: "admin", password: "$2a$04$z1VYojlfKouiYa08xWz9he8uCOzPiTGuM2tNtnQlRavDWvbvk.Jdm" },
  serverId: "node-1",
  mode,
  readonly: readonly === "true",
});
io.on("connection", (socket) => {
  socket.join("lobby");
  socket.on("hello", (...args) => socket.emit("world", ...args));
  socket.on("setData", (data) => {
    for (const key in data) socket.data[key] = data[key];
  });
});
httpServer.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ event: "listening", port: httpServer.address().port })}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
