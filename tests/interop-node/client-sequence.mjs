// The official socket.io-client 4.8.4 in one scenario of tests/TypedSocketIO.Client.Tests/Functional/SideBySideTests.cs,
// which runs the .NET client through the same scenario and compares the two observed event sequences.
//
//   node client-sequence.mjs <url> '<options JSON>' [volatile-on-upgrading | auth-counter]
//
// Prints one JSON line per observed event, {"seen":"<name>[:<detail>]"}, with the vocabulary of the test:
// connect, connect_error:<message>, disconnect:<reason>, reconnect_attempt:<n>, reconnect:<n>, reconnect_error,
// reconnect_failed, event:<name>, upgrading, upgrade, ack:<name>:<JSON of the answer's arguments>,
// ack_error:<name>:<message> (connect also gives the engine's transport and socket.recovered). Commands on stdin, one a line:
// connect, disconnect, emit <name> [<JSON array of arguments>], volatile <name> [<JSON array>] (socket.volatile.emit),
// ack <name> [<JSON array>] (socket.emitWithAck).
// With volatile-on-upgrading, the socket emits socket.volatile.emit("seq", 42) in the engine's "upgrading" event.
// With auth-counter, auth is a callback giving {"n": <how many times it was called>}.
// With engine-packets, every packet of the engine is seen too: packet:<type>:<data> (received, the engine's "packet")
// and packetCreate:<type>:<data> (sent), the session id in the data masked as "*".
// Loopback only. Exits when stdin closes, or after 60 seconds.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const [url, optionsJson = "{}", scenario = ""] = process.argv.slice(2);
const options = { forceNew: true, autoConnect: false, ...JSON.parse(optionsJson) };
let authCalls = 0;
if (scenario === "auth-counter") options.auth = (cb) => cb({ n: ++authCalls });
const seen = (name, fields) => process.stdout.write(`${JSON.stringify({ seen: name, ...fields })}\n`);

const socket = io(url, options);
socket.on("connect", () => seen("connect", { transport: socket.io.engine.transport.name, recovered: socket.recovered }));
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
  if (line === "connect") {
    socket.connect();
    if (scenario === "engine-packets") {
      // The engine exists once connect() returns; its first packet (open) has not been read yet.
      const text = (p) => `${p.type}:${p.data === undefined ? "" : String(p.data).replace(/"sid":"[^"]*"/, '"sid":"*"')}`;
      socket.io.engine.on("packet", (p) => seen(`packet:${text(p)}`));
      socket.io.engine.on("packetCreate", (p) => seen(`packetCreate:${text(p)}`));
    }
  }
  else if (line === "disconnect") socket.disconnect();
  else {
    const [command, rest = ""] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const args = space < 0 ? [] : JSON.parse(rest.slice(space + 1));
    if (command === "emit") socket.emit(name, ...args);
    else if (command === "volatile") socket.volatile.emit(name, ...args);
    else if (command === "ack") {
      socket.emitWithAck(name, ...args).then(
        (answer) => seen(`ack:${name}:${JSON.stringify(answer)}`),
        (err) => seen(`ack_error:${name}:${err.message}`));
    }
  }
});
commands.on("close", exit);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
setTimeout(exit, 60 * 1000).unref();
