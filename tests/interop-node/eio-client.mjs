// The official `engine.io-client` against a server, for tests/TypedSocketIO.EngineIO.Tests/NodeExactnessTests.cs.
//
//   node eio-client.mjs <url> <transport polling|websocket> oversize <bytes>
//
// oversize: once open, sends one text message of <bytes> characters and prints how the client closes
// ({"event":"close","reason":…,"description":…}). Prints {"event":"done"} and exits 0; exits 2 after 10 s.
import { Socket } from "engine.io-client";

const [url, transport, scenario, arg] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const socket = new Socket(url, { path: "/engine.io/", transports: [transport], upgrade: false });
setTimeout(() => process.exit(2), 10_000).unref();

socket.on("open", () => {
  print("open", { transport: socket.transport.name });
  if (scenario === "oversize") {
    socket.send("x".repeat(Number(arg)));
  }
});
socket.on("close", (reason, description) => {
  print("close", { reason, description: description?.message ?? description?.description ?? null });
  print("done");
  process.exit(0);
});
