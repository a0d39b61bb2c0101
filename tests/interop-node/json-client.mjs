// The official socket.io-client 4.8.4 writing JSON text, for tests/TypedSocketIO.Client.Tests/ClientJsonTextTests.cs: the
// same calls as the .NET client there, against sio-exact-server.mjs, which records the text of every packet each client sent.
//
//   node json-client.mjs <url> <websocket|polling> <run>
//
// Connects to "/" with an auth object, emits "client-strings" (the STRINGS of json-text.mjs) and "client-object", answers the
// server's "ask-client" with the STRINGS, then prints {"event":"received","packets":[…]} (what the server recorded) and
// {"event":"done"}; on failure {"event":"failed","error":…} and exit code 1. Gives up after 15 seconds (exit code 2).
import { io } from "socket.io-client";
import { KEY, STRINGS } from "./json-text.mjs";

const [url, transport, run] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
// Exits once everything printed has reached the pipe (a write to a pipe is asynchronous: exiting at once may lose it).
const exit = (code) => process.stdout.write("", () => process.exit(code));
setTimeout(() => {
  print("failed", { error: "timed out" });
  exit(2);
}, 15000).unref();

const socket = io(url, {
  transports: [transport],
  query: { run },
  auth: { [KEY]: STRINGS[0], list: STRINGS },
  reconnection: false,
  forceNew: true,
});
socket.on("ask-client", (ack) => ack(...STRINGS));

try {
  await new Promise((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  socket.emit("client-strings", ...STRINGS);
  socket.emit("client-object", { [KEY]: STRINGS[2], nested: [{ [KEY]: STRINGS[4] }] });
  const asked = new Promise((resolve) => socket.once("asked", resolve));
  socket.emit("please-ask");
  await asked;
  const packets = await socket.timeout(10000).emitWithAck("received");
  print("received", { packets });
  print("done");
  socket.disconnect();
  exit(0);
} catch (error) {
  print("failed", { error: String(error?.message ?? error) });
  exit(1);
}
