// The official socket.io-client against a TypedSocketIO server with connection state recovery on
// (tests/TypedSocketIO.Client.Tests/Functional/OurRecoveryTests.cs starts the server and this script).
//
//   node recovery-client.mjs <url> <websocket|polling>
//
// Connects, gets an event (so that it holds an offset), asks the server to broadcast "missed" shortly, cuts its own
// connection (socket.io.engine.close(), a recoverable "transport close" on the server), and checks that the automatic
// reconnection restores the socket: socket.recovered, the same id, and the missed event. Prints one JSON line; exit
// code 0 when recovered. Gives up after 20 seconds.
import { io } from "socket.io-client";

const [url, transport = "websocket"] = process.argv.slice(2);
const socket = io(url, {
  forceNew: true,
  transports: [transport],
  reconnectionDelay: 1000,
  reconnectionDelayMax: 1000,
  randomizationFactor: 0,
});

let firstId;
let connects = 0;
let missed;
let done = false;

const finish = (ok, fields) => {
  if (done) return;
  done = true;
  process.stdout.write(`${JSON.stringify({ ok, ...fields })}\n`);
  socket.disconnect();
  process.exit(ok ? 0 : 1);
};

setTimeout(() => finish(false, { reason: "timeout", connects, recovered: socket.recovered, missed }), 20000);

const check = () => {
  if (connects >= 2 && missed !== undefined) {
    const sameId = socket.id === firstId;
    finish(socket.recovered === true && sameId && missed === "while away", { recovered: socket.recovered, sameId, missed });
  }
};

socket.on("missed", (value) => {
  missed = value;
  check();
});

socket.on("welcome", () => {
  socket.emit("away", () => socket.io.engine.close());
});

socket.on("connect", () => {
  connects++;
  if (connects === 1) {
    firstId = socket.id;
    if (socket.recovered) finish(false, { reason: "recovered on the first connect" });
    socket.emit("hello", "js");
  } else {
    check();
  }
});

socket.on("connect_error", (err) => process.stderr.write(`connect_error: ${err.message}\n`));
