// The official socket.io-client 4.8.4 in Node with a bearer token, for tests/TypedSocketIO.Interop.Tests/Typed/AuthorizationInteropTests.cs.
//
//   node auth-client.mjs <url> <websocket|polling|upgrade> <token or -> <namespace>
//
// Sends "Authorization: Bearer <token>" on every request (extraHeaders: the Node client sets it on polling requests and on the
// WebSocket upgrade), connects to <namespace> and prints {"event":"connected","id":…,"whoami":…} (the ack of "whoami") or
// {"event":"connect_error","message":…,"data":…}, then exits. Gives up after 20 seconds (exit code 2). Loopback only.
import { io } from "socket.io-client";

const [url, mode, token, ns] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const exit = (code) => process.stdout.write("", () => process.exit(code));
setTimeout(() => {
  print("failed", { error: "timed out" });
  exit(2);
}, 20000).unref();

const transports = mode === "websocket" ? ["websocket"] : mode === "polling" ? ["polling"] : ["polling", "websocket"];
const socket = io(url + ns, {
  transports,
  upgrade: mode === "upgrade",
  reconnection: false,
  forceNew: true,
  extraHeaders: token === "-" ? {} : { Authorization: `Bearer ${token}` },
});
socket.on("connect", async () => {
  if (mode === "upgrade" && socket.io.engine.transport.name !== "websocket") {
    await new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
  }
  const whoami = await socket.timeout(10000).emitWithAck("whoami");
  print("connected", { id: socket.id, whoami, transport: socket.io.engine.transport.name });
  socket.disconnect();
  exit(0);
});
socket.on("connect_error", (error) => {
  print("connect_error", { message: error.message, data: error.data ?? null });
  exit(0);
});
