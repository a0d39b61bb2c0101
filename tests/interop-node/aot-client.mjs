// Runs the official socket.io-client against samples/AotServer (a NativeAOT binary, or the same program on the JIT):
// emit, acknowledgements both ways, binary both ways and a broadcast to a room reaching two clients.
//
//   node aot-client.mjs <url> [--transports websocket|polling|default] [--timeout ms]
//
// Prints one JSON line per observation on stdout ({"t":<ms since start>,"event":...}), the last one being
// {"event":"done"}, and exits 0 when every expectation held. On failure it prints {"event":"failed","error":...},
// the reason on stderr, and exits 1. A hard timeout (default 20 s) ends the process with exit code 2.
// The events are the contracts of samples/AotServer/Contracts.cs; tests/TypedSocketIO.Aot.Tests runs it.
import { io } from "socket.io-client";

const started = Date.now();
const options = { transports: "default", timeout: 20000 };
const positional = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith("--")) {
    const key = argv[i].slice(2);
    if (!(key in options) || argv[i + 1] === undefined) {
      process.stderr.write(`unknown option or missing value: ${argv[i]}\n`);
      process.exit(64);
    }
    options[key] = key === "timeout" ? Number(argv[++i]) : argv[++i];
  } else {
    positional.push(argv[i]);
  }
}
if (positional.length !== 1 || !["websocket", "polling", "default"].includes(options.transports)) {
  process.stderr.write("usage: node aot-client.mjs <url> [--transports websocket|polling|default] [--timeout ms]\n");
  process.exit(64);
}
const url = positional[0].replace(/\/+$/, "");

function printable(value) {
  if (Buffer.isBuffer(value)) return { $binary: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("hex") };
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  return value;
}

function observe(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ t: Date.now() - started, event, ...printable(fields) })}\n`);
}

function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })])
    .finally(() => clearTimeout(timer));
}

const sockets = [];

function connect(label) {
  const opts = { reconnection: false, timeout: 5000, forceNew: true };
  if (options.transports !== "default") opts.transports = [options.transports];
  const socket = io(url, opts);
  sockets.push(socket);
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (err) => reject(new Error(`${label}: connect_error: ${err.message}`)));
    }),
    5000,
    `${label}: no connect within 5000 ms`,
  ).then(async (s) => {
    const engine = s.io.engine;
    if (options.transports === "default") {
      if (engine.transport.name !== "websocket") {
        await withTimeout(new Promise((resolve) => engine.once("upgrade", resolve)), 5000, `${label}: no upgrade to websocket`);
      }
      assert(engine.transport.name === "websocket", `${label}: transport after upgrade is ${engine.transport.name}`);
    } else {
      assert(engine.transport.name === options.transports, `${label}: transport is ${engine.transport.name}`);
    }
    observe("connect", { socket: label, id: s.id, transport: engine.transport.name });
    return s;
  });
}

function once(socket, event, ms = 5000) {
  return withTimeout(new Promise((resolve) => socket.once(event, (...a) => resolve(a))), ms, `no "${event}" within ${ms} ms`);
}

const ask = (socket, event, ...a) => socket.timeout(5000).emitWithAck(event, ...a);

const hardTimeout = setTimeout(() => {
  observe("failed", { error: `hard timeout of ${options.timeout} ms` });
  process.stderr.write(`aot-client (${options.transports}) did not finish within ${options.timeout} ms\n`);
  process.exit(2);
}, options.timeout);

observe("start", { url, transports: options.transports });
try {
  const [a, b, c] = await Promise.all([connect("a"), connect("b"), connect("c")]);

  // A plain emit each way.
  const echoed = once(a, "echoed");
  a.emit("echo", "héllo ✓");
  const [text] = await echoed;
  assert(text === "héllo ✓", `echoed ${JSON.stringify(text)}`);
  observe("echo", { text });

  // Client → server acknowledgement.
  const sum = await ask(a, "add", { a: 2, b: 3.5 });
  assert(sum && sum.sum === 5.5, `add answered ${JSON.stringify(sum)}`);
  observe("ack-client-to-server", { sum });

  // Server → client acknowledgement: the server asks a question, then emits what the client answered.
  a.on("question", (q, callback) => callback(`answer to ${q}`));
  const answered = once(a, "answered");
  a.emit("ask", "why");
  const [answer] = await answered;
  assert(answer === "answer to why", `answered ${JSON.stringify(answer)}`);
  observe("ack-server-to-client", { answer });

  // Binary both ways: a Buffer up, the reversed bytes down as an event, the length and checksum as the ack.
  const reversed = once(a, "reversed");
  const info = await ask(a, "upload", Buffer.from([1, 2, 3, 250]), "blob");
  assert(info && info.length === 4 && info.checksum === 256, `upload answered ${JSON.stringify(info)}`);
  const [bytes, label] = await reversed;
  assert(Buffer.isBuffer(bytes), `reversed bytes are a ${Object.prototype.toString.call(bytes)}, not a Buffer`);
  assert(bytes.toString("hex") === "fa030201" && label === "blob", `reversed ${bytes.toString("hex")} ${label}`);
  observe("binary", { info, bytes, label });

  // A broadcast to a room: a and b join, c does not; a says something; a and b hear it, c does not.
  const room = `room-${process.pid}`;
  assert((await ask(a, "join", room)) === 1, "a is the first in the room");
  assert((await ask(b, "join", room)) === 2, "b is the second in the room");
  let cHeard = null;
  c.on("said", (m) => { cHeard = m; });
  const heardA = once(a, "said");
  const heardB = once(b, "said");
  a.emit("say", room, "hi room");
  const [[ma], [mb]] = await Promise.all([heardA, heardB]);
  for (const [who, m] of [["a", ma], ["b", mb]]) {
    assert(m.room === room && m.from === a.id && m.text === "hi room", `${who} heard ${JSON.stringify(m)}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert(cHeard === null, `c, outside the room, heard ${JSON.stringify(cHeard)}`);
  observe("broadcast", { a: ma, b: mb });

  observe("done");
  for (const s of sockets) s.disconnect();
  await new Promise((resolve) => setTimeout(resolve, 100));
  clearTimeout(hardTimeout);
  process.exit(0);
} catch (e) {
  observe("failed", { error: e?.message ?? String(e) });
  process.stderr.write(`aot-client (${options.transports}) failed: ${e?.stack ?? e}\n`);
  for (const s of sockets) s.disconnect();
  process.exit(1);
}
