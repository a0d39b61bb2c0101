// The official socket.io-client 4.8.4 in Node with a bearer token, for tests/TypedSocketIO.Interop.Tests/Typed/EventAuthorizationInteropTests.cs.
//
//   node auth-events-client.mjs <url> <websocket|polling> <token or -> <namespace> <event>...
//
// Sends "Authorization: Bearer <token>" on every request, connects to <namespace>, emits each <event> in turn with an
// acknowledgement (no arguments) and prints {"event":"done","acks":[…],"connected":…} (the value of each acknowledgement, and
// whether the socket is still connected after the last one), or {"event":"connect_error",…}; then exits. Gives up after 20 seconds.
import { io } from "socket.io-client";

const [url, mode, token, ns, ...events] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const exit = (code) => process.stdout.write("", () => process.exit(code));
setTimeout(() => {
  print("failed", { error: "timed out" });
  exit(2);
}, 20000).unref();

const socket = io(url + ns, {
  transports: [mode],
  upgrade: false,
  reconnection: false,
  forceNew: true,
  extraHeaders: token === "-" ? {} : { Authorization: `Bearer ${token}` },
});
socket.on("connect", async () => {
  const acks = [];
  for (const name of events) {
    acks.push(await socket.timeout(10000).emitWithAck(name));
  }
  print("done", { acks, connected: socket.connected });
  socket.disconnect();
  exit(0);
});
socket.on("connect_error", (error) => {
  print("connect_error", { message: error.message, data: error.data ?? null });
  exit(0);
});
