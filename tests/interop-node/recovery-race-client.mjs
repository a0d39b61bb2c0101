// The official socket.io-client against a TypedSocketIO server with connection state recovery on, while the server emits
// without pause (tests/TypedSocketIO.Client.Tests/Functional/OurRecoveryRaceTests.cs starts the server and this script).
//
//   node recovery-race-client.mjs <url> <websocket|polling> <cuts>
//
// The server broadcasts "tick" n (0, 1, 2, …) every millisecond or so. The client cuts its own connection
// (socket.io.engine.close(), a recoverable "transport close" for the server) after a varying number of ticks, <cuts> times, each time
// coming back by the automatic reconnection with its pid and offset; then it asks the server to stop and waits for the
// last tick. Checks that every tick arrived exactly once, in order, with strictly increasing offsets, and that every
// reconnection was recovered. Prints one JSON line; exit code 0 when all holds. Gives up after 60 seconds.
import { io } from "socket.io-client";

const [url, transport = "websocket", cutsArg = "15"] = process.argv.slice(2);
const cuts = Number(cutsArg);
const socket = io(url, {
  forceNew: true,
  transports: [transport],
  reconnectionDelay: 20,
  reconnectionDelayMax: 20,
  randomizationFactor: 0,
});

let done = false;
let connects = 0;
let recoveredConnects = 0;
let last = -1;
let lastOffset;
let received = 0;
let cutsDone = 0;
let untilCut = 3;
let final;
let cutting = false;

const finish = (ok, fields) => {
  if (done) return;
  done = true;
  process.stdout.write(`${JSON.stringify({ ok, connects, recoveredConnects, cutsDone, last, received, ...fields })}\n`);
  socket.disconnect();
  process.exit(ok ? 0 : 1);
};

setTimeout(() => finish(false, { reason: "timeout", final }), 60000);

// In-memory offsets are "<epoch>-<seq>": the same epoch, the seq growing.
const seqOf = (offset) => Number(offset.slice(offset.lastIndexOf("-") + 1));

socket.on("tick", (n, offset) => {
  received++;
  if (typeof offset !== "string") return finish(false, { reason: `tick ${n} without an offset` });
  if (last >= 0 && n !== last + 1) return finish(false, { reason: `tick ${n} after ${last}` });
  if (lastOffset !== undefined && seqOf(offset) <= seqOf(lastOffset)) {
    return finish(false, { reason: `offset ${offset} after ${lastOffset}` });
  }
  last = n;
  lastOffset = offset;
  if (final !== undefined && last >= final) {
    return finish(recoveredConnects === cuts, { reason: recoveredConnects === cuts ? "" : "a reconnection was not recovered" });
  }
  if (cutsDone < cuts && !cutting && --untilCut === 0) {
    cutting = true;
    cutsDone++;
    untilCut = 1 + ((cutsDone * 7) % 23);
    // From a timer, not inside the handler: socket.io-client emits the packets it has decoded on the next tick, so a cut
    // inside a handler would leave some in flight, which it buffers and emits again after the reconnection (a duplicate
    // whatever the server does); and it records a packet's offset only once its handler returned.
    setTimeout(() => socket.io.engine.close(), 0);
  }
});

socket.on("connect", () => {
  connects++;
  cutting = false;
  if (connects > 1 && socket.recovered) recoveredConnects++;
  if (connects === cuts + 1) {
    socket.emit("stop", (lastTick) => {
      final = lastTick;
      if (last >= final) finish(recoveredConnects === cuts, {});
    });
  }
});

socket.on("connect_error", (err) => process.stderr.write(`connect_error: ${err.message}\n`));
