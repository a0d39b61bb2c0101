// What the admin UI dashboard does, with the official socket.io-client 4.8.4 in Node, for tests/TypedSocketIO.AdminUI.Tests.
//
//   node admin-client.mjs <url> <namespace> <auth JSON> [websocket|polling|upgrade] [json|msgpack]
//
// Connects to <namespace> (e.g. /admin) with <auth> (e.g. {"username":"admin","password":"changeit"}) as the dashboard does
// (forceNew, no reconnection), and prints one JSON line per thing it receives: {"event":"connect","id":…},
// {"event":"connect_error","message":…,"data":…}, {"event":"disconnect","reason":…}, and {"event":"received","name":…,"args":[…]}
// for every event (binary values as {"binary":[bytes]}). Each line of stdin is a command {"emit":"name","args":[…]} sent to the
// server as is (a value {"binary":[bytes]} is sent as a Buffer); {"disconnect":true} disconnects the socket. Exits when stdin closes, or after 60 seconds (exit code 2).
// Loopback only.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";
import msgpackParser from "socket.io-msgpack-parser";

const [url, ns, authJson, mode, parser] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const exit = (code) => process.stdout.write("", () => process.exit(code));
setTimeout(() => {
  print("failed", { error: "timed out" });
  exit(2);
}, 60000).unref();

const toJson = (value) => {
  if (value instanceof ArrayBuffer) return { binary: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { binary: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
};
const fromJson = (value) => {
  if (value && typeof value === "object" && Array.isArray(value.binary)) return Buffer.from(value.binary);
  if (Array.isArray(value)) return value.map(fromJson);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(v)]));
  return value;
};

const socket = io(url + ns, {
  forceNew: true,
  reconnection: false,
  transports: mode === "polling" ? ["polling"] : mode === "upgrade" ? ["polling", "websocket"] : ["websocket"],
  auth: JSON.parse(authJson),
  ...(parser === "msgpack" ? { parser: msgpackParser } : {}),
});
socket.on("connect", () => print("connect", { id: socket.id, transport: socket.io.engine.transport.name }));
socket.io.on("open", () => socket.io.engine.on("upgrade", (transport) => print("upgrade", { transport: transport.name })));
socket.on("connect_error", (error) => print("connect_error", { message: error.message, data: error.data ?? null }));
socket.on("disconnect", (reason) => print("disconnect", { reason }));
socket.onAny((name, ...args) => print("received", { name, args: toJson(args) }));

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  if (command.disconnect) socket.disconnect();
  else socket.emit(command.emit, ...fromJson(command.args ?? []));
});
lines.on("close", () => {
  socket.disconnect();
  exit(0);
});
