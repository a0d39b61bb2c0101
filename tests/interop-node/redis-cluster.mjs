// One Node socket.io 4.8.4 server with the official @socket.io/redis-adapter 8.3.0 (ioredis), member of a cluster with
// our .NET servers, plus official socket.io-client clients connected to any server of the cluster, plus the official
// @socket.io/redis-emitter 5.1.0 emitting into the cluster (command "emitter"). Driven by
// tests/TypedSocketIO.Redis.Tests (NodeClusterTests) with JSON commands on stdin, one per line; it answers with JSON lines
// on stdout ({"event":"reply","id":…}) and reports every event a client receives ({"event":"recv",…}).
//
// node redis-cluster.mjs --redis <port> --key <key> [--adapter classic|sharded|streams] [--recovery]
// --adapter sharded: createShardedAdapter of the same package (Redis 7 sharded pub/sub, subscriptionMode "dynamic").
// --adapter streams: @socket.io/redis-streams-adapter 0.3.1 (stream, channel prefix and session prefix named after the key).
// --recovery: connection state recovery on (every broadcast then carries its offset as last argument).
// Exits when stdin closes (no orphan when the test host dies).
import { createServer } from "node:http";
import net from "node:net";
import { Server } from "socket.io";
import { io as connect } from "socket.io-client";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { Redis } from "ioredis";
import readline from "node:readline";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]?.startsWith("--") ? true : all[i + 1] ?? true]] : pairs), []));
const print = (o) => process.stdout.write(JSON.stringify(o) + "\n");

// Binary values are shown as {"$bin":[bytes]} so that the test compares whole structures.
const show = (v) => {
  if (Buffer.isBuffer(v) || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return { $bin: [...Buffer.from(v)] };
  if (Array.isArray(v)) return v.map(show);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)]));
  return v;
};
// And back: {"$bin":[…]} in a command becomes a Buffer.
const revive = (v) => {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") return Array.isArray(v.$bin) ? Buffer.from(v.$bin) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  return v;
};

const redisOptions = { host: "127.0.0.1", port: Number(args.redis), maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(100 * n, 500) };
const pub = new Redis(redisOptions);
const sub = pub.duplicate();
for (const c of [pub, sub]) c.on("error", () => {}); // reconnects on its own; the test observes the cluster instead

const http = createServer();
const adapters = {
  classic: () => createAdapter(pub, sub, { key: args.key, requestsTimeout: 3000 }),
  sharded: () => createShardedAdapter(pub, sub, { channelPrefix: args.key, subscriptionMode: "dynamic" }),
  streams: () => createStreamsAdapter(pub, { streamName: args.key, channelPrefix: args.key, sessionKeyPrefix: args.key + ":session:" }),
};
const io = new Server(http, {
  adapter: adapters[args.adapter ?? "classic"](),
  connectionStateRecovery: args.recovery ? { maxDisconnectionDuration: 120000, skipMiddlewares: true } : undefined,
});
for (const nsp of [io.of("/"), io.of("/admin")]) {
  nsp.on("connection", (socket) => {
    socket.join(socket.handshake.auth.rooms ?? []);
    socket.data = { who: "node:" + socket.handshake.auth.name };
  });
}
io.on("hello", (arg, callback) => callback("node got " + arg));
// Server-side events without acknowledgement (the emitter's serverSideEmit) are reported as they arrive.
io.on("from-emitter", (...args) => print({ event: "serverSide", server: "node", args: show(args) }));

// The official emitter, on its own connection (as an application without a server would have).
const emitterRedis = new Redis(redisOptions);
emitterRedis.on("error", () => {});
const emitter = new Emitter(emitterRedis, { key: args.key });

const clients = new Map();

// A load balancer in front of the cluster for the recovery test: it forwards each connection to its current target, can
// cut every connection and refuse new ones ("paused"), then send the client's automatic reconnection to another server.
let proxy;
const proxied = new Set();
let proxyTarget;
let proxyPaused = false;
function startProxy() {
  return new Promise((resolve) => {
    proxy = net.createServer((client) => {
      if (proxyPaused) return client.destroy();
      const target = new URL(proxyTarget);
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) { proxied.add(s); s.on("close", () => proxied.delete(s)); s.on("error", () => {}); }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    proxy.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${proxy.address().port}`));
  });
}

async function run(command) {
  switch (command.cmd) {
    case "connect": {
      // {url, name, rooms}: an official client; it answers every event that asks for an acknowledgement with its name.
      // {nsp}: a namespace other than "/"; {reconnect: false}: stays disconnected. Each client has a connection of its own;
      // a disconnection is reported as "$disconnect" with its reason.
      const socket = connect(command.url + (command.nsp ?? ""), { transports: ["websocket"], auth: { name: command.name, rooms: command.rooms }, reconnection: command.reconnect ?? true, forceNew: true });
      socket.onAny((event, ...rest) => {
        const ack = typeof rest[rest.length - 1] === "function" ? rest.pop() : null;
        print({ event: "recv", client: command.name, name: event, args: show(rest) });
        if (ack) ack(command.name === "binary-voter" ? { name: command.name, bin: Buffer.from([7, 7]) } : command.name);
      });
      socket.on("disconnect", (reason) => print({ event: "recv", client: command.name, name: "$disconnect", args: [reason] }));
      await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
      clients.set(command.name, socket);
      return { sid: socket.id };
    }
    case "recoveryConnect": {
      // {name, url}: an official client with the defaults of recovery, through the proxy to url; each (re)connection is
      // reported as "$connect" with [id, recovered].
      proxyTarget = command.url;
      const url = proxy ? `http://127.0.0.1:${proxy.address().port}` : await startProxy();
      const socket = connect(url, { transports: ["websocket"], auth: { name: command.name, rooms: ["r"] }, forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 200, randomizationFactor: 0 });
      socket.onAny((event, ...rest) => print({ event: "recv", client: command.name, name: event, args: show(rest) }));
      socket.on("connect", () => print({ event: "recv", client: command.name, name: "$connect", args: [socket.id, socket.recovered] }));
      socket.on("disconnect", (reason) => print({ event: "recv", client: command.name, name: "$disconnect", args: [reason] }));
      await new Promise((resolve, reject) => { socket.once("connect", resolve); socket.once("connect_error", reject); });
      clients.set(command.name, socket);
      return { sid: socket.id };
    }
    case "disconnect":
      // {name}: the client leaves for good.
      clients.get(command.name)?.disconnect();
      clients.delete(command.name);
      return {};
    case "proxyCut":
      // Every proxied connection cut (a recoverable "transport close" on the server), new ones refused until proxyResume.
      proxyPaused = true;
      for (const s of proxied) s.destroy();
      return {};
    case "proxyResume":
      // {url}: the next connections go to url.
      proxyTarget = command.url;
      proxyPaused = false;
      return {};
    case "broadcast":
      (command.room ? io.to(command.room) : io).emit(command.name, ...revive(command.args));
      return {};
    case "broadcastWithAck":
      return { responses: show(await io.timeout(5000).emitWithAck(command.name)) };
    case "fetch": {
      const sockets = await io.in(command.room).fetchSockets();
      for (const s of sockets) if (command.emit) s.emit(command.emit, "from node");
      return { sockets: sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data ?? null, auth: s.handshake.auth })) };
    }
    case "serverSideEmitWithAck":
      return { responses: await io.serverSideEmitWithAck("hello", command.arg) };
    case "emitter": {
      // {key, nsp, to, except, volatile, op, name, args, rooms, close}: one call of the official emitter.
      let target = command.key ? new Emitter(emitterRedis, { key: command.key }) : emitter;
      if (command.nsp) target = target.of(command.nsp);
      if (command.op === "serverSideEmit") {
        target.serverSideEmit(command.name, ...revive(command.args ?? []));
        return {};
      }
      for (const room of command.to ?? []) target = target.to(room);
      for (const room of command.except ?? []) target = target.except(room);
      if (command.volatile) target = target.volatile;
      switch (command.op) {
        case "emit": target.emit(command.name, ...revive(command.args ?? [])); break;
        case "socketsJoin": target.socketsJoin(command.rooms); break;
        case "socketsLeave": target.socketsLeave(command.rooms); break;
        case "disconnectSockets": target.disconnectSockets(command.close ?? false); break;
        default: throw new Error("unknown emitter op " + command.op);
      }
      return {};
    }
    case "serverCount":
      return { count: await io.of("/").adapter.serverCount() };
    default:
      throw new Error("unknown command " + command.cmd);
  }
}

http.listen(0, "127.0.0.1", () => print({ event: "ready", port: http.address().port }));
const input = readline.createInterface({ input: process.stdin });
input.on("line", async (line) => {
  const command = JSON.parse(line);
  try {
    print({ event: "reply", id: command.id, ...(await run(command)) });
  } catch (e) {
    print({ event: "reply", id: command.id, error: String(e?.message ?? e) });
  }
});
input.on("close", () => process.exit(0));
