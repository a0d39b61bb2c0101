// The official socket.io-client 4.8.4 in one scenario of tests/TypedSocketIO.Client.Tests/Functional/SideBySideTests.cs,
// which runs the .NET client through the same scenario and compares the two observed event sequences.
//
//   node client-sequence.mjs <url> '<options JSON>' [volatile-on-upgrading]
//
// Prints one JSON line per observed event, {"seen":"<name>[:<detail>]"}, with the vocabulary of the test:
// connect, connect_error:<message>, disconnect:<reason>, reconnect_attempt:<n>, reconnect:<n>, reconnect_error,
// reconnect_failed, event:<name>, upgrading, upgrade (connect also gives the engine's transport). Commands on stdin,
// one a line: connect, disconnect, emit <name> (an emit without arguments).
// With volatile-on-upgrading, the socket emits socket.volatile.emit("seq", 42) in the engine's "upgrading" event.
// Loopback only. Exits when stdin closes, or after 60 seconds.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const [url, optionsJson = "{}", scenario = ""] = process.argv.slice(2);
const options = { forceNew: true, autoConnect: false, ...JSON.parse(optionsJson) };
const seen = (name, fields) => process.stdout.write(`${JSON.stringify({ seen: name, ...fields })}\n`);

const socket = io(url, options);
socket.on("connect", () => seen("connect", { transport: socket.io.engine.transport.name }));
socket.on("connect_error", (err) => seen(`connect_error:${err.message}`));
socket.on("disconnect", (reason) => seen(`disconnect:${reason}`));
socket.onAny((name) => seen(`event:${name}`));
socket.io.on("reconnect_attempt", (n) => seen(`reconnect_attempt:${n}`));
socket.io.on("reconnect", (n) => seen(`reconnect:${n}`));
socket.io.on("reconnect_error", () => seen("reconnect_error"));
socket.io.on("reconnect_failed", () => seen("reconnect_failed"));
socket.io.on("open", () => {
  const engine = socket.io.engine;
  engine.on("upgrading", () => {
    seen("upgrading");
    if (scenario === "volatile-on-upgrading") socket.volatile.emit("seq", 42);
  });
  engine.on("upgrade", () => seen("upgrade"));
});

const exit = () => {
  socket.disconnect();
  process.exit(0);
};
const commands = createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (line === "connect") socket.connect();
  else if (line === "disconnect") socket.disconnect();
  else if (line.startsWith("emit ")) socket.emit(line.slice(5));
});
commands.on("close", exit);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
setTimeout(exit, 60 * 1000).unref();
