// The official `engine.io` server as the reference for tests/TypedSocketIO.EngineIO.Tests/NodeExactnessTests.cs:
// the same raw HTTP and WebSocket exchanges run against it and against our server, and must give the same results.
//
//   node eio-exact-server.mjs '<options as JSON>'   (prints {"event":"listening","port":N})
//
// The text "handshake" is answered with the request that opened the session (headers, url, query, remote address, secure).
// Options: pingInterval, pingTimeout, upgradeTimeout, maxHttpBufferSize (engine.io's), "cors": an origin to allow (with
// credentials), "headers": true to add the headers of the headers-hook test ("initial_headers": a sticky-session cookie
// and X-Initial: 1; "headers": X-Every: 1). Serves /engine.io/ on 127.0.0.1 (any free port). Every message is echoed,
// except the text "close-me", which makes the server close the session. Prints "connection", "upgrade" and "close" (with
// its reason) lines. Stops on SIGTERM/SIGINT, when stdin closes, or after 5 minutes.
import { createServer } from "node:http";
import { attach } from "engine.io";

const options = JSON.parse(process.argv[2] ?? "{}");
const print = (event, fields) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);

const httpServer = createServer();
const engine = attach(httpServer, {
  path: "/engine.io",
  pingInterval: options.pingInterval ?? 25000,
  pingTimeout: options.pingTimeout ?? 20000,
  upgradeTimeout: options.upgradeTimeout ?? 10000,
  maxHttpBufferSize: options.maxHttpBufferSize ?? 1e6,
  cors: options.cors ? { origin: options.cors, credentials: true } : undefined,
});

if (options.headers) {
  engine.on("initial_headers", (headers, req) => {
    headers["set-cookie"] = "sticky=node-1; Path=/; HttpOnly";
    headers["x-initial"] = "1";
  });
  engine.on("headers", (headers, req) => {
    headers["x-every"] = "1";
  });
}

engine.on("connection", (socket) => {
  print("connection", { transport: socket.transport.name });
  socket.on("upgrade", (transport) => print("upgrade", { transport: transport.name }));
  socket.on("message", (data) => {
    if (data === "close-me") {
      socket.close();
    } else if (data === "handshake") {
      // the request that opened the session, as the handshake test compares it
      const req = socket.request;
      socket.send(JSON.stringify({
        headers: req.headers,
        url: req.url,
        query: req._query,
        address: socket.remoteAddress,
        secure: !!req.connection?.encrypted,
      }));
    } else {
      socket.send(data);
    }
  });
  socket.on("close", (reason) => print("close", { reason }));
});

httpServer.listen(0, "127.0.0.1", () => print("listening", { port: httpServer.address().port }));

const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
setTimeout(stop, 5 * 60 * 1000).unref();
