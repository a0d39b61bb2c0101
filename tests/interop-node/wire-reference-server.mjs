// The official `socket.io` server emitting a fixed list of events, for the byte-exactness test
// (tests/TypedSocketIO.Interop.Tests/WireBytesTests.cs). Our server emits the same list through the
// typed API (WireContracts.cs); a raw client records every frame of both and compares them byte for byte.
//
//   node wire-reference-server.mjs [port]      (default 0 = any free port; prints {"event":"listening","port":N})
//
// The conversation (driven by the raw client):
//   "/":      client 42["go"]            → every event of `events` below, in order, then "ask" with an ack request;
//             client answers the ack      → "answer" with the value the client acknowledged with
//   "/other": client 42/other,1["go"]    → "hello" and a binary event, then the ack [{"ok":true,"count":2}];
//             client 42/other,["bye"]    → the server disconnects the socket (41/other,)
// Loopback only. Stops on SIGTERM/SIGINT, when stdin closes, or after 10 minutes.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

/** [event name, ...arguments]: keep in step with WireContracts.cs (WireServer.EmitAll). */
export const events = [
  ["str-plain", "hello"],
  ["str-quotes", "say \"hi\" \\ back\\slash / and 'single'"],
  ["str-unicode", "é ü ß ñ 中文 ✓ Ω"],
  ["str-emoji", "😀 👍🏽 🇫🇷"],
  ["str-whitespace", "line1\nline2\r\n\ttab\b\f"],
  ["str-control", "\u0000\u0001\u001f\u007f"],
  ["str-html", "<b>Tom & Jerry</b> a+b='c'"],
  ["str-line-separators", "\u2028\u2029"],
  ["str-empty", ""],
  ["str-many", "a", "b", "c"],
  ["int", 0, 42, -7, 2147483647, -2147483648],
  ["long", 9007199254740991, -9007199254740991, 1234567890123],
  ["fraction", 0.5, -0.25, 3.14159, 0.1, 1 / 3],
  ["double-integral", 1, 100, -3],
  ["double-exponent", 1e21, 1e-7, 1.7976931348623157e308, 5e-324],
  ["double-large-integral", 1e20],
  ["negative-zero", -0],
  ["booleans", true, false],
  ["null", null],
  ["object-nested", { name: "box", count: 3, ratio: 0.75, tags: ["a", "b"], inner: { flag: true, value: null, list: [[1, 2], [3]] } }],
  ["array-mixed", [1, "two", true, null, { k: "v" }, []]],
  ["empty-containers", {}, []],
  ["bin-top", Buffer.from([1, 2, 3])],
  ["bin-nested", { name: "file", data: Buffer.from([0, 255, 127]), parts: [Buffer.from([1]), Buffer.alloc(0)], meta: { thumb: Buffer.from([9, 9]) } }, Buffer.from([42])],
  ["bin-empty", Buffer.alloc(0)],
  ["bin-with-text", "caption ✓", Buffer.from([7])],
  ["double-thresholds", 1e-6, 1e16, -1e21, 123456789.125, 2.5e-8, 4.35, 9007199254740994],
  ["object-keys", { "a\"b": 1, "é": 2, "😀": 3, "\n": 4 }],
  ["non-finite", NaN, Infinity, -Infinity],
  ["str-lone-surrogate", "a\ud800b\udc00"],
];

const httpServer = createServer();
const io = new Server(httpServer);

io.on("connection", (socket) => {
  socket.on("go", () => {
    for (const [name, ...args] of events) socket.emit(name, ...args);
    socket.timeout(5000).emit("ask", "ready?", (err, answer) => {
      if (!err) socket.emit("answer", answer);
    });
  });
});

io.of("/other").on("connection", (socket) => {
  socket.on("go", (ack) => {
    socket.emit("hello", "/other");
    socket.emit("bin-other", { file: Buffer.from([1, 2]), name: "x" });
    ack({ ok: true, count: 2 });
  });
  socket.on("bye", () => socket.disconnect());
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
