// Four official socket.io-client 4.8.4 clients in one Node process, for the typed broadcast acknowledgement test of
// tests/TypedSocketIO.Interop.Tests/Typed/BroadcastAckInteropTests.cs.
//
//   node ack-voters.mjs <url> <websocket|polling|upgrade>
//
// Each client connects to "/" (forceNew, no reconnection) and prints {"event":"connected","name":…,"id":socket.id}.
// When asked "vote" (with an acknowledgement) each prints {"event":"asked","name":…,"question":…} and then:
//   yes     answers {voter:"yes", agree:true, signature:<Buffer 01 02>} (binary inside the object: an attachment)
//   no      answers {voter:"no", agree:false, signature:<Buffer>}
//   silent  never answers
//   leaver  disconnects without answering
// Exits when its stdin closes, or after 60 seconds. Loopback only.
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const exit = (code) => process.stdout.write("", () => process.exit(code));
setTimeout(() => exit(2), 60000).unref();
process.stdin.on("end", () => exit(0));
process.stdin.resume();

const transports = mode === "websocket" ? ["websocket"] : mode === "polling" ? ["polling"] : ["polling", "websocket"];
for (const name of ["yes", "no", "silent", "leaver"]) {
  const socket = io(url, { transports, upgrade: mode === "upgrade", reconnection: false, forceNew: true });
  socket.on("connect", () => print("connected", { name, id: socket.id }));
  socket.on("connect_error", (error) => print("failed", { name, error: String(error?.message ?? error) }));
  socket.on("vote", (question, answer) => {
    print("asked", { name, question });
    if (name === "yes") {
      answer({ voter: name, agree: true, signature: Buffer.from([1, 2]) });
    } else if (name === "no") {
      answer({ voter: name, agree: false, signature: Buffer.alloc(0) });
    } else if (name === "leaver") {
      socket.disconnect();
    }
  });
}
