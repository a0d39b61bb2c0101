// The interop scenarios run by client.mjs. Each is an async function of the context built there;
// it throws to fail. The server behaviour each one expects is in SCENARIOS.md.
import { isDeepStrictEqual } from "node:util";
import { randomUUID } from "node:crypto";

/** Normalises binary (Buffer, ArrayBuffer, typed arrays) to {$binary: hex} for comparison. */
function normalize(value) {
  if (Buffer.isBuffer(value)) return { $binary: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("hex") };
  if (ArrayBuffer.isView(value)) return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

function same(actual, expected, what) {
  const a = normalize(actual);
  const e = normalize(expected);
  if (!isDeepStrictEqual(a, e)) {
    throw new Error(`${what}: expected ${JSON.stringify(e)} but got ${JSON.stringify(a)}`);
  }
}

async function waitUntil(condition, ms, what, sleep) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const scenarios = {
  /** Events and acknowledgements in both directions on "/". */
  async "emit-ack"(ctx) {
    const { observe, assert } = ctx;
    const s = ctx.connect("/");
    s.on("question", (label, n, ack) => {
      observe("question", { args: [label, n] });
      assert(typeof ack === "function", "the server's question must carry an ack id");
      ack(`${label}!`, n * 2);
    });
    await ctx.waitConnected(s);

    const args = ["hello", 42, { a: [1, true, null], b: "é✓ \"quoted\"", c: -0.5 }];
    const back = await ctx.ask(s, "echo", ...args);
    observe("ack", { name: "echo", args: back });
    same(back, args, "ack of echo");

    const noArgs = await ctx.ask(s, "echo");
    same(noArgs, [], "ack of echo without arguments");

    const notified = ctx.once(s, "notified");
    s.emit("notify", "fire", 1.5);
    const got = await notified;
    observe("event", { name: "notified", args: got });
    same(got, ["fire", 1.5], "notified");

    const answered = ctx.once(s, "answered");
    s.emit("ask");
    const answer = await answered;
    observe("event", { name: "answered", args: answer });
    same(answer, ["q!", 14], "server-side view of the client's ack");

    await ctx.checkTransport(s);
    same(await ctx.ask(s, "echo", "after"), ["after"], "ack of echo after the transport check");
  },

  /** Binary attachments in both directions, nested in objects and arrays, in events and acks. */
  async binary(ctx) {
    const { observe } = ctx;
    const s = ctx.connect("/");
    s.on("question-binary", (label, ack) => {
      observe("question-binary", { args: [label] });
      ack(Buffer.from([9, 8, 7]), { more: new Uint8Array([6, 0, 255]).buffer });
    });
    await ctx.waitConnected(s);

    const payload = {
      buf: Buffer.from([1, 2, 3]),
      nested: { ab: new Uint8Array([4, 5]).buffer, list: [Buffer.from([6]), Buffer.alloc(0)] },
      text: "t",
    };
    const extra = Buffer.from([0, 255, 128, 10, 30]);
    const back = await ctx.ask(s, "echo-binary", payload, extra);
    observe("ack", { name: "echo-binary", args: back });
    same(back, [payload, extra], "ack of echo-binary");
    ctx.assert(Buffer.isBuffer(back[1]) && Buffer.isBuffer(back[0].buf) && Buffer.isBuffer(back[0].nested.list[0]),
      "binary in the ack arrives as Buffer");

    const binary = ctx.once(s, "binary");
    s.emit("send-binary");
    const got = await binary;
    observe("event", { name: "binary", args: got });
    same(got, [Buffer.from([1, 2, 3]), { data: Buffer.from([255, 0, 127]), n: 1 }], "binary event from the server");
    ctx.assert(Buffer.isBuffer(got[0]) && Buffer.isBuffer(got[1].data), "binary in the event arrives as Buffer");

    const answered = ctx.once(s, "answered-binary");
    s.emit("ask-binary");
    const answer = await answered;
    observe("event", { name: "answered-binary", args: answer });
    same(answer, [Buffer.from([9, 8, 7]), { more: Buffer.from([6, 0, 255]) }], "server-side view of the client's binary ack");

    // a large attachment, over polling this is base64 inside a payload
    const big = Buffer.alloc(100_000, 0xab);
    big[0] = 1;
    big[big.length - 1] = 2;
    const bigBack = await ctx.ask(s, "echo-binary", { buf: big, nested: { ab: new ArrayBuffer(0), list: [] }, text: "" }, Buffer.from([1]));
    ctx.assert(Buffer.isBuffer(bigBack[0].buf) && bigBack[0].buf.equals(big), "100 kB attachment round trip");
    observe("ack", { name: "echo-binary", size: bigBack[0].buf.length });

    await ctx.checkTransport(s);
  },

  /** Two namespaces multiplexed over one Engine.IO connection (one Manager). */
  async namespaces(ctx) {
    const { observe, assert } = ctx;
    const { manager, socket } = ctx.manager();
    const main = socket("/");
    const admin = socket("/admin");
    const helloMain = ctx.once(main, "hello");
    const helloAdmin = ctx.once(admin, "hello");
    await Promise.all([ctx.waitConnected(main, "main"), ctx.waitConnected(admin, "admin")]);
    assert(main.io === admin.io && main.io === manager, "both sockets share the manager");
    assert(main.id !== admin.id, "each namespace has its own socket id");
    assert(main.id !== manager.engine.id && admin.id !== manager.engine.id, "namespace sids differ from the Engine.IO sid");
    observe("engine", { id: manager.engine.id, main: main.id, admin: admin.id });

    same(await helloMain, ["/"], "hello on /");
    same(await helloAdmin, ["/admin"], "hello on /admin");
    same(await ctx.ask(main, "whoami"), ["/"], "whoami on /");
    same(await ctx.ask(admin, "whoami"), ["/admin"], "whoami on /admin");

    await ctx.checkTransport(main);
    const engineId = manager.engine.id;
    admin.disconnect();
    observe("disconnected", { socket: "admin" });
    same(await ctx.ask(main, "whoami"), ["/"], "whoami on / after leaving /admin");
    assert(manager.engine.id === engineId && manager.engine.readyState === "open", "the connection stays open for /");

    // join /admin again over the same connection
    const again = socket("/admin");
    if (!again.connected && !again.active) again.connect();
    await ctx.waitConnected(again, "admin-again");
    same(await ctx.ask(again, "whoami"), ["/admin"], "whoami on /admin after reconnecting the namespace");
    assert(manager.engine.id === engineId, "still one Engine.IO connection");
  },

  /** Rooms with three clients: join, leave, socket.to (all but sender), to several rooms, a socket's own room. */
  async rooms(ctx) {
    const { observe } = ctx;
    const id = randomUUID().slice(0, 8);
    const r1 = `r1-${id}`;
    const r2 = `r2-${id}`;
    const names = ["a", "b", "c"];
    const clients = names.map(() => ctx.connect("/"));
    const got = { a: [], b: [], c: [] };
    clients.forEach((s, i) => s.on("room-message", (msg) => {
      got[names[i]].push(msg);
      observe("room-message", { client: names[i], msg });
    }));
    await Promise.all(clients.map((s, i) => ctx.waitConnected(s, names[i])));
    const [a, b, c] = clients;

    same(await ctx.ask(a, "join", r1), [true], "join ack");
    same(await ctx.ask(b, "join", r1), [true], "join ack");
    same(await ctx.ask(c, "join", r2), [true], "join ack");

    await ctx.ask(a, "broadcast-room", r1, "m1"); // a's room r1 except a: b
    await waitUntil(() => got.b.includes("m1"), 5000, "b to receive m1", ctx.sleep);

    await ctx.ask(c, "emit-rooms", [r1, r2], "m2"); // everyone in r1 or r2, once each
    await waitUntil(() => names.every((n) => got[n].includes("m2")), 5000, "all to receive m2", ctx.sleep);

    await ctx.ask(a, "to-socket", b.id, "direct"); // b's own room
    await waitUntil(() => got.b.includes("direct"), 5000, "b to receive direct", ctx.sleep);

    same(await ctx.ask(b, "leave", r1), [true], "leave ack");
    await ctx.ask(c, "broadcast-room", r1, "m3"); // r1 except c (not in it): a only, b left
    await waitUntil(() => got.a.includes("m3"), 5000, "a to receive m3", ctx.sleep);

    await Promise.all(clients.map((s) => ctx.checkTransport(s)));
    await ctx.sleep(200); // late duplicates or misdeliveries would show up here
    same(got, { a: ["m2", "m3"], b: ["m1", "m2", "direct"], c: ["m2"] }, "messages received per client");
  },

  /** A namespace middleware rejects with a message and data; the client sees both in connect_error. */
  async middleware(ctx) {
    const { observe, assert } = ctx;
    const bad = ctx.connect("/private", { auth: { token: "wrong" }, query: { q: "1" } });
    const [err] = await ctx.withTimeout(
      new Promise((resolve, reject) => {
        bad.once("connect_error", (e) => resolve([e]));
        bad.once("connect", () => reject(new Error("connected despite a wrong token")));
      }),
      5000,
      "no connect_error for the wrong token",
    );
    observe("connect_error", { message: err.message, data: err.data });
    assert(err.message === "not authorized", `connect_error message is "${err.message}"`);
    same(err.data, { code: 401, reason: "bad token" }, "connect_error data");
    assert(!bad.connected, "the rejected socket is not connected");

    const good = ctx.connect("/private", { auth: { token: "secret" }, query: { q: "1" } });
    const handshake = ctx.once(good, "handshake");
    await ctx.waitConnected(good, "good");
    const [info] = await handshake;
    observe("event", { name: "handshake", args: [info] });
    same(info, { token: "secret", q: "1" }, "what the middleware saw of the handshake");
    await ctx.checkTransport(good);
  },

  /**
   * A dynamic namespace (the server's io.of(/^\/team-\d+$/)): two clients connect to two names it matches and each lands in
   * its own child namespace, with the parent's connection handler; a name it does not match gets "Invalid namespace"; the
   * parent's middleware refuses a banned client; the parent's broadcast reaches both children.
   */
  async "dynamic-namespaces"(ctx) {
    const { observe, assert } = ctx;
    const a = ctx.connect("/team-1");
    const b = ctx.connect("/team-22");
    const helloA = ctx.once(a, "hello");
    const helloB = ctx.once(b, "hello");
    await ctx.waitConnected(a, "a");
    await ctx.waitConnected(b, "b");
    same(await helloA, ["/team-1"], "hello on /team-1");
    same(await helloB, ["/team-22"], "hello on /team-22");
    same(await ctx.ask(a, "whoami"), ["/team-1"], "whoami on /team-1");

    const refused = async (socket, label) => {
      const [err] = await ctx.withTimeout(
        new Promise((resolve, reject) => {
          socket.once("connect_error", (e) => resolve([e]));
          socket.once("connect", () => reject(new Error(`${label}: connected`)));
        }),
        5000,
        `${label}: no connect_error`,
      );
      observe("connect_error", { socket: label, message: err.message, data: err.data });
      return err;
    };
    const unknown = await refused(ctx.connect("/team-x"), "/team-x");
    assert(unknown.message === "Invalid namespace", `connect_error for /team-x is "${unknown.message}"`);
    assert(unknown.data === undefined, "no data with Invalid namespace");
    const banned = await refused(ctx.connect("/team-3", { auth: { ban: true } }), "banned");
    assert(banned.message === "banned", `connect_error for the banned client is "${banned.message}"`);

    const gotA = ctx.once(a, "team-message");
    const gotB = ctx.once(b, "team-message");
    same(await ctx.ask(b, "parent-broadcast", "to all teams"), [], "ack of parent-broadcast");
    same(await gotA, ["to all teams"], "team-message on /team-1");
    same(await gotB, ["to all teams"], "team-message on /team-22");
    observe("event", { name: "team-message" });
    await ctx.checkTransport(a);
  },

  /** The server disconnects the socket; the client sees "io server disconnect" and does not reconnect. */
  async "server-disconnect"(ctx) {
    const { observe, assert } = ctx;
    const s = ctx.connect("/", { reconnection: true, reconnectionDelay: 100 });
    await ctx.waitConnected(s);
    await ctx.checkTransport(s);
    observe("socket", { id: s.id });
    const disconnected = ctx.once(s, "disconnect");
    s.emit("disconnect-me");
    const [reason] = await disconnected;
    observe("disconnect", { reason });
    assert(reason === "io server disconnect", `disconnect reason is "${reason}"`);
    await ctx.sleep(300);
    assert(!s.active && !s.connected, "no automatic reconnection after a server-side disconnect");
  },

  /**
   * The client stops answering pings (its pongs are dropped before they are written); the server
   * must close the connection for "ping timeout" (checked server-side by the C# test through the
   * printed socket id). The client's own heartbeat timer keeps running, so a "ping timeout" reason
   * on the client side would mean the server never closed.
   */
  async "ping-timeout"(ctx) {
    const { observe, assert } = ctx;
    const s = ctx.connect("/");
    await ctx.waitConnected(s);
    await ctx.checkTransport(s);
    observe("socket", { id: s.id });
    const engine = s.io.engine;
    const original = engine._sendPacket;
    assert(typeof original === "function", "engine._sendPacket exists in this engine.io-client");
    let dropped = 0;
    engine._sendPacket = function (type, ...rest) {
      if (type === "pong") {
        dropped++;
        observe("pong-dropped", { count: dropped });
        return;
      }
      return original.call(this, type, ...rest);
    };
    const closeReason = new Promise((resolve) => engine.once("close", (reason, description) => resolve({ reason, description: description?.message ?? description?.description ?? null })));
    const [reason] = await ctx.once(s, "disconnect", 12000);
    const engineClose = await closeReason;
    observe("disconnect", { reason, engine: engineClose });
    assert(dropped >= 1, "at least one pong was dropped");
    assert(reason === "transport close" || reason === "transport error",
      `expected the server to close the connection, got "${reason}"`);
  },
};

export { same, normalize };
