// The official socket.io 4.8.4 server with the official socket.io-msgpack-parser, for our .NET client
// (tests/TypedSocketIO.MessagePack.Tests). Prints {"event":"listening","port":N}; exits when stdin closes.
//   on connection: emits "hello" with ("/", Buffer [0xca, 0xfe], {n: 1})
//   "echo" with an ack: acks with the same arguments (binary inline, as the msgpack parser carries it)
//   "ask" (n): emits "question" (n) with an ack, then "answered" with what the client acknowledged
import { createServer } from "node:http";
import { Server } from "socket.io";
import parser from "socket.io-msgpack-parser";

const print = (o) => console.log(JSON.stringify(o));
const http = createServer();
const io = new Server(http, { parser });
io.on("connection", (socket) => {
  socket.emit("hello", "/", Buffer.from([0xca, 0xfe]), { n: 1 });
  socket.on("echo", (...args) => {
    const ack = args.pop();
    ack(...args);
  });
  socket.on("ask", async (n) => {
    const answer = await socket.timeout(5000).emitWithAck("question", n);
    socket.emit("answered", answer);
  });
});
http.listen(0, "127.0.0.1", () => print({ event: "listening", port: http.address().port }));
const stop = () => io.close(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
setTimeout(stop, 2 * 60 * 1000).unref();
