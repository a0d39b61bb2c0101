// The clients of the soak run (tests/soak/README.md): official socket.io-client 4.8.x clients against a server, each emitting
// "echo" with an acknowledgement once a second and receiving the server's "news" broadcast, a share of them on HTTP
// long-polling only, a share replaced every minute (churn). Prints one JSON line per 10 s ({"progress":…}) and one at the end
// ({"summary":…}), then exits.
//
//   node soak-clients.mjs --url http://127.0.0.1:PORT --clients 2000 --seconds 1800 [--polling 0.1] [--churn 0.1]
import { io } from "socket.io-client";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const url = arg("--url");
const clientCount = Number(arg("--clients", "2000"));
const seconds = Number(arg("--seconds", "1800"));
const pollingShare = Number(arg("--polling", "0.1"));
const churnPerMinute = Number(arg("--churn", "0.1"));
const rampPerSecond = Number(arg("--ramp", "200"));
if (!url) {
  console.error("--url is required");
  process.exit(2);
}

const latencies = [];
let acks = 0;
let ackErrors = 0;
let abandoned = 0;
const ackErrorSamples = [];
let outstanding = 0;
let connectErrors = 0;
let unexpected = 0;
const unexpectedReasons = {};
let churned = 0;
let news = 0;
let gaps = 0;
let created = 0;
let stopping = false;
const clients = new Set();

function startClient(index) {
  const pollingOnly = index % Math.round(1 / pollingShare) === 0;
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    transports: pollingOnly ? ["polling"] : ["polling", "websocket"],
  });
  const client = { socket, leaving: false, timer: null, lastNews: -1 };
  created++;
  clients.add(client);
  socket.on("connect_error", () => {
    connectErrors++;
    clients.delete(client);
  });
  socket.on("connect", () => {
    // A jittered start spreads the emits over the second.
    const emit = () => {
      if (stopping || !socket.connected) {
        return;
      }
      const sentAt = performance.now();
      outstanding++;
      socket.timeout(10_000).emit("echo", { n: index, at: sentAt }, (err, answer) => {
        outstanding--;
        if (err && client.leaving) {
          // A client that leaves (churn) fails what it still awaits: "socket has been disconnected".
          abandoned++;
          return;
        }
        if (err || !answer || answer.n !== index) {
          ackErrorSamples.length < 5 && ackErrorSamples.push(err ? String(err.message ?? err) : JSON.stringify(answer));
          ackErrors++;
          return;
        }
        acks++;
        latencies.push(performance.now() - sentAt);
      });
    };
    client.timer = setTimeout(function tick() {
      emit();
      client.timer = setTimeout(tick, 1000);
    }, Math.random() * 1000);
  });
  socket.on("news", (n) => {
    news++;
    if (client.lastNews >= 0 && n !== client.lastNews + 1) {
      gaps++;
    }
    client.lastNews = n;
  });
  socket.on("disconnect", (reason) => {
    clearTimeout(client.timer);
    clients.delete(client);
    if (!client.leaving && !stopping) {
      unexpected++;
      unexpectedReasons[reason] = (unexpectedReasons[reason] ?? 0) + 1;
    }
  });
  return client;
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const startedAt = Date.now();
// Ramp up.
for (let i = 0; i < clientCount; i++) {
  startClient(i);
  if ((i + 1) % rampPerSecond === 0) {
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// Churn: every so often one connected client leaves and a new one takes its place.
const churnEveryMs = 60_000 / Math.max(1, clientCount * churnPerMinute);
const churnTimer = setInterval(() => {
  const connected = [...clients].filter((c) => c.socket.connected && !c.leaving);
  if (connected.length === 0) {
    return;
  }
  const leaving = connected[Math.floor(Math.random() * connected.length)];
  leaving.leaving = true;
  leaving.socket.disconnect();
  churned++;
  startClient(created);
}, churnEveryMs);

const progressTimer = setInterval(() => {
  const sorted = latencies.slice(-20_000).sort((a, b) => a - b);
  console.log(JSON.stringify({
    progress: {
      seconds: Math.round((Date.now() - startedAt) / 1000),
      connected: [...clients].filter((c) => c.socket.connected).length,
      acks, ackErrors, outstanding, unexpected, churned, news, gaps,
      recentP99Ms: Number(percentile(sorted, 99).toFixed(2)),
    },
  }));
}, 10_000);

await new Promise((r) => setTimeout(r, Math.max(0, seconds * 1000 - (Date.now() - startedAt))));
stopping = true;
clearInterval(churnTimer);
clearInterval(progressTimer);

// Let the last acknowledgements arrive, then everyone leaves.
for (let i = 0; i < 100 && outstanding > 0; i++) {
  await new Promise((r) => setTimeout(r, 100));
}
const connectedAtEnd = [...clients].filter((c) => c.socket.connected).length;
for (const client of clients) {
  client.leaving = true;
  client.socket.disconnect();
}

const sorted = latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
  summary: {
    clients: clientCount, seconds, pollingShare, churnPerMinute,
    created, churned, connectedAtEnd, connectErrors,
    acks, ackErrors, ackErrorSamples, ackAbandonedByLeavingClients: abandoned, ackOutstandingAtEnd: outstanding,
    ackP50Ms: Number(percentile(sorted, 50).toFixed(2)),
    ackP99Ms: Number(percentile(sorted, 99).toFixed(2)),
    ackMaxMs: Number((sorted[sorted.length - 1] ?? 0).toFixed(2)),
    unexpectedDisconnects: unexpected, unexpectedReasons,
    news, newsGaps: gaps,
  },
}));
// Long enough for the polling clients' goodbyes (a POST each) to leave.
setTimeout(() => process.exit(0), 2000);
