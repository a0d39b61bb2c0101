// The official socket.io-client 4.8.4 in Node with withCredentials (its cookie jar on), for the sticky-session cookie test
// of tests/TypedSocketIO.Interop.Tests/SocketIONodeExactnessTests.cs: the server sets a cookie on the handshake response
// and records the Cookie header of every request of the run; the client must send the cookie back on every later request.
//
//   node sticky-client.mjs <url> <polling|default> <run>
//
// Connects to "/" with the query {run} (polling only, or polling then the upgrade, which it waits for), emits "cookies"
// with an ack and prints {"event":"cookies","seen":[…],"transport":…}, then {"event":"done"}; on failure
// {"event":"failed","error":…} and exit code 1. Loopback only. Gives up after 15 seconds (exit code 2).
import { io } from "socket.io-client";

const [url, mode, run] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
// Exits once everything printed has reached the pipe (a write to a pipe is asynchronous: exiting at once may lose it).
const exit = (code) => process.stdout.write("", () => process.exit(code));
setTimeout(() => {
  print("failed", { error: "timed out" });
  exit(2);
}, 15000).unref();

const socket = io(url, {
  withCredentials: true,
  transports: mode === "polling" ? ["polling"] : ["polling", "websocket"],
  upgrade: mode !== "polling",
  query: { run },
  reconnection: false,
  forceNew: true,
});

try {
  await new Promise((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  if (mode !== "polling" && socket.io.engine.transport.name !== "websocket") {
    await new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
  }
  const seen = await socket.timeout(10000).emitWithAck("cookies");
  print("cookies", { seen, transport: socket.io.engine.transport.name });
  print("done");
  socket.disconnect();
  exit(0);
} catch (error) {
  print("failed", { error: String(error?.message ?? error) });
  exit(1);
}
