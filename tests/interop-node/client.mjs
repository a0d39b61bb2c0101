// Runs one interop scenario of the official socket.io-client against a TypedSocketIO server.
//
//   node client.mjs <scenario> <url> [--transports websocket|polling|default] [--path /socket.io/] [--timeout ms]
//
// Prints one JSON line per observation on stdout ({"t":<ms since start>,"event":...}), the last one
// being {"event":"done"}, and exits 0 when every expectation of the scenario held. On failure it
// prints {"event":"failed","error":...} on stdout, the reason on stderr, and exits 1. A hard timeout
// (default 15 s) ends the process with exit code 2. The server side each scenario expects is
// described in SCENARIOS.md beside this file; the C# tests in tests/TypedSocketIO.Interop.Tests
// set it up.
import { io, Manager } from "socket.io-client";
import { scenarios } from "./scenarios.mjs";

const usage =
  "usage: node client.mjs <scenario> <url> [--transports websocket|polling|default] [--path /socket.io/] [--timeout ms]\n" +
  `scenarios: ${Object.keys(scenarios).join(", ")}`;

function parseArgs(argv) {
  const positional = [];
  const options = { transports: "default", path: "/socket.io/", timeout: 15000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const [key, inline] = arg.slice(2).split("=", 2);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`missing value for --${key}`);
      if (!(key in options)) throw new Error(`unknown option --${key}`);
      options[key] = key === "timeout" ? Number(value) : value;
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new Error("expected <scenario> and <url>");
  if (!["websocket", "polling", "default"].includes(options.transports)) {
    throw new Error(`--transports must be websocket, polling or default, not ${options.transports}`);
  }
  return { scenario: positional[0], url: positional[1].replace(/\/+$/, ""), ...options };
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e.message}\n${usage}\n`);
  process.exit(64);
}
const scenario = scenarios[args.scenario];
if (!scenario) {
  process.stderr.write(`unknown scenario "${args.scenario}"\n${usage}\n`);
  process.exit(64);
}

const started = Date.now();

/** Makes a value printable as JSON: binary becomes {"$binary":"<hex>"}. */
function printable(value) {
  if (Buffer.isBuffer(value)) return { $binary: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("hex") };
  if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  }
  return value;
}

function observe(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ t: Date.now() - started, event, ...printable(fields) })}\n`);
}

const sockets = new Set();

/** Client options for the requested transport mode; reconnection off so failures surface. */
function clientOptions(extra = {}) {
  const options = { path: args.path, reconnection: false, timeout: 5000, ...extra };
  if (args.transports !== "default") options.transports = [args.transports];
  return options;
}

function track(socket) {
  sockets.add(socket);
  return socket;
}

const ctx = {
  args,
  observe,
  /** A new client socket on its own Engine.IO connection (forceNew). */
  connect(nsp = "/", extra = {}) {
    return track(io(args.url + (nsp === "/" ? "" : nsp), clientOptions({ forceNew: true, ...extra })));
  },
  /** A manager, for several namespaces over one Engine.IO connection. */
  manager(extra = {}) {
    const manager = new Manager(args.url, clientOptions(extra));
    return {
      manager,
      socket: (nsp, opts) => track(manager.socket(nsp, opts)),
    };
  },
  /** Waits for the socket's "connect" (rejects on connect_error). */
  waitConnected(socket, label = "socket") {
    if (socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        socket.off("connect_error", onError);
        observe("connect", { socket: label, nsp: socket.nsp, id: socket.id, transport: socket.io.engine.transport.name });
        resolve();
      };
      const onError = (err) => {
        socket.off("connect", onConnect);
        reject(new Error(`${label}: connect_error: ${err.message}`));
      };
      socket.once("connect", onConnect);
      socket.once("connect_error", onError);
    });
  },
  /** Waits for one event; resolves with its arguments. */
  once(socket, event, ms = 5000) {
    return withTimeout(
      new Promise((resolve) => socket.once(event, (...a) => resolve(a))),
      ms,
      `no "${event}" on ${socket.nsp} within ${ms} ms`,
    );
  },
  /** Emits with an ack (5 s timeout); resolves with all the ack's arguments as an array. */
  ask(socket, event, ...a) {
    return new Promise((resolve, reject) => {
      socket.timeout(5000).emit(event, ...a, (err, ...response) => {
        if (err) reject(new Error(`no ack for "${event}" on ${socket.nsp}: ${err.message}`));
        else resolve(response);
      });
    });
  },
  /**
   * In default mode (polling then WebSocket) waits for the upgrade and checks that the engine now
   * runs over WebSocket; in the forced modes checks that the transport never changed.
   */
  async checkTransport(socket) {
    const engine = socket.io.engine;
    if (args.transports === "default") {
      if (engine.transport.name !== "websocket") {
        await withTimeout(
          new Promise((resolve) => engine.once("upgrade", resolve)),
          5000,
          `no upgrade to websocket (transport still ${engine.transport.name})`,
        );
      }
      assert(engine.transport.name === "websocket", `transport after upgrade is ${engine.transport.name}`);
      observe("upgraded", { transport: engine.transport.name });
    } else {
      assert(engine.transport.name === args.transports, `transport is ${engine.transport.name}, expected ${args.transports}`);
      observe("transport", { transport: engine.transport.name });
    }
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

ctx.assert = assert;
ctx.withTimeout = withTimeout;

const hardTimeout = setTimeout(() => {
  observe("failed", { error: `hard timeout of ${args.timeout} ms` });
  process.stderr.write(`scenario ${args.scenario} (${args.transports}) did not finish within ${args.timeout} ms\n`);
  process.exit(2);
}, args.timeout);

observe("start", { scenario: args.scenario, url: args.url, transports: args.transports, path: args.path });
try {
  await scenario(ctx);
  observe("done", { scenario: args.scenario });
  for (const s of sockets) s.disconnect();
  await ctx.sleep(100); // let the DISCONNECT / CLOSE packets reach the server
  clearTimeout(hardTimeout);
  process.exit(0);
} catch (e) {
  observe("failed", { error: e?.message ?? String(e) });
  process.stderr.write(`scenario ${args.scenario} (${args.transports}) failed: ${e?.stack ?? e}\n`);
  for (const s of sockets) s.disconnect();
  process.exit(1);
}
