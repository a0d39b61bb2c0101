// The official socket.io-msgpack-parser (pinned in package-lock.json), for tests/TypedSocketIO.MessagePack.Tests.
//   node msgpack-client.mjs encode          prints {"case":name,"hex":…} for each packet below, as the official encoder writes it
//   node msgpack-client.mjs decode          reads hex lines on stdin, prints {"decoded":packet} or {"error":message} for each
//   node msgpack-client.mjs client <url>    the official socket.io-client with the msgpack parser against a server (see run())
// Binary values print as {"$binary":"<hex>"}. One JSON line per observation; {"event":"done"} and exit code 0 at the end.
import { createInterface } from "node:readline";
import parser from "socket.io-msgpack-parser";
import { io } from "socket.io-client";

const print = (o) => console.log(JSON.stringify(o));

function printable(value) {
  if (Buffer.isBuffer(value)) return { $binary: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("hex") };
  if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  return value;
}

// The packets as the official server builds them (key order included): see SocketIOMessagePackParserTests.
const cases = {
  "connect": { type: 0, data: { sid: "abc" }, nsp: "/" },
  "connect-chat": { type: 0, data: { sid: "abc", pid: "p" }, nsp: "/chat" },
  "connect-error": { type: 4, data: { message: "Invalid namespace" }, nsp: "/x" },
  "disconnect": { type: 1, nsp: "/chat" },
  "event": { type: 2, data: ["hello", "wörld ✓", 1, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769, 4294967295, 4294967296, -2147483648, -2147483649, 1.5, -0.25, true, false, null], nsp: "/" },
  "event-ack-id": { type: 2, data: ["ask", { a: [1, { b: "c" }], "": "" }], id: 12, nsp: "/chat" },
  "event-binary": { type: 2, data: ["bin", Buffer.from([1, 2, 3]), { nested: Buffer.alloc(0), list: [Buffer.from([255])] }], nsp: "/" },
  "ack": { id: 7, type: 3, data: ["ok", Buffer.from([9])], nsp: "/" },
  "long-string": { type: 2, data: ["x".repeat(40), "y".repeat(300), "z".repeat(70000)], nsp: "/" },
  "big-array": { type: 2, data: ["n", Array.from({ length: 20 }, (_, i) => i)], nsp: "/" },
};

const mode = process.argv[2];
if (mode === "encode") {
  const encoder = new parser.Encoder();
  for (const [name, packet] of Object.entries(cases)) {
    const [bytes] = encoder.encode(packet);
    print({ case: name, hex: Buffer.from(bytes).toString("hex") });
  }
  print({ event: "done" });
} else if (mode === "decode") {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line) continue;
    const decoder = new parser.Decoder();
    try {
      let got;
      decoder.on("decoded", (p) => (got = p));
      decoder.add(Buffer.from(line, "hex"));
      print({ decoded: printable(got) });
    } catch (e) {
      print({ error: e.message });
    }
  }
  print({ event: "done" });
} else if (mode === "client") {
  const url = process.argv[3];
  const fail = (e) => {
    print({ event: "failed", error: String(e && e.message || e) });
    process.exit(1);
  };
  setTimeout(() => fail("timed out"), 15000).unref();
  try {
    for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]]) {
      const s = io(url, { parser, transports, forceNew: true, reconnection: false });
      const hello = new Promise((resolve) => s.once("hello", (...a) => resolve(a)));
      await new Promise((resolve, reject) => { s.once("connect", resolve); s.once("connect_error", reject); });
      print({ event: "hello", transports: transports.join("+"), args: printable(await hello) });
      const echoed = await new Promise((resolve, reject) => s.timeout(5000).emit("echo", "text ✓", 42, 1.5, { deep: { buf: Buffer.from([1, 2]), list: [Buffer.from([3])] } }, Buffer.from([4, 5, 6]),
        (err, ...args) => (err ? reject(err) : resolve(args))));
      print({ event: "echo", transports: transports.join("+"), args: printable(echoed) });
      const asked = new Promise((resolve) => s.once("question", (n, ack) => { ack(n * 2, Buffer.from([7])); resolve(n); }));
      s.emit("ask", 21);
      print({ event: "question", n: await asked });
      const answered = await new Promise((resolve) => s.once("answered", (...a) => resolve(a)));
      print({ event: "answered", args: printable(answered) });
      if (transports.length === 2 && s.io.engine.transport.name !== "websocket") {
        await new Promise((resolve) => s.io.engine.once("upgrade", resolve));
      }
      print({ event: "transport", name: s.io.engine.transport.name });
      s.disconnect();
    }
    const bad = io(url + "/nowhere", { parser, transports: ["websocket"], forceNew: true, reconnection: false });
    const error = await new Promise((resolve, reject) => { bad.once("connect_error", resolve); bad.once("connect", () => reject(new Error("connected to /nowhere"))); });
    print({ event: "connect_error", message: error.message });
    bad.disconnect();
    print({ event: "done" });
    process.exit(0);
  } catch (e) {
    fail(e);
  }
} else {
  console.error("usage: node msgpack-client.mjs encode | decode | client <url>");
  process.exit(64);
}
