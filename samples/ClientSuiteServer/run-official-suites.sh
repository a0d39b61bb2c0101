#!/usr/bin/env bash
# Runs the official socket.io-client and engine.io-client test suites (Node, mocha) against samples/ClientSuiteServer.
#
#   bash samples/ClientSuiteServer/run-official-suites.sh [SOCKET_IO_REPO] [WORK_DIR]
#
# SOCKET_IO_REPO: a clone (or bare git dir) of github.com/socketio/socket.io; default /work/.mirror/socketio+socket.io/repo.
# WORK_DIR: where the two packages are copied, installed and built; default /tmp/sio-suites. Nothing is written to this
# repository. REFERENCE=node runs the same suites against their own Node support servers in a separate process instead. Needs the .NET SDK, Node.js 20+ and npm (registry.npmjs.org). See README.md next to this file.
#
# The suites' own files are not edited: each is run with its package.json "test:node" mocha command minus the
# `--require test/support/hooks.*` that would start the Node support server (ours listens on the same ports instead),
# minus engine.io-client's test/webtransport.mjs (WebTransport over HTTP/3, which our server does not offer) and --bail
# (so every failure is listed), plus --exit for engine.io-client; socket.io-client's test files run one process each.
set -uo pipefail

REPO=${1:-/work/.mirror/socketio+socket.io/repo}
WORK=${2:-/tmp/sio-suites}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if git --git-dir="$REPO" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  GIT=(git --git-dir="$REPO")
elif git -C "$REPO" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  GIT=(git -C "$REPO")
else
  echo "not a git repository of socketio/socket.io: $REPO" >&2
  exit 2
fi
COMMIT=$("${GIT[@]}" rev-parse HEAD)
echo "socketio/socket.io at $COMMIT"

# 1. The two packages, their dependencies from npm (the versions of the monorepo's package-lock.json), then their build.
rm -rf "$WORK" && mkdir -p "$WORK"
for package in socket.io-client engine.io-client; do
  "${GIT[@]}" archive --prefix="packages/$package/" "HEAD:packages/$package" | tar -x -C "$WORK" || exit 1
done
cat > "$WORK/package.json" <<'EOF'
{
  "name": "official-client-suites",
  "private": true,
  "workspaces": ["packages/engine.io-client", "packages/socket.io-client"],
  "overrides": { "ws": "8.21.0" },
  "devDependencies": {
    "@sinonjs/fake-timers": "11.2.2",
    "@types/expect.js": "0.3.32",
    "@types/mocha": "10.0.7",
    "@types/node": "24.13.2",
    "base64-arraybuffer": "1.0.2",
    "blob": "0.1.0",
    "cookie": "0.7.2",
    "expect.js": "0.3.1",
    "express": "4.21.2",
    "has-cors": "1.1.0",
    "mocha": "10.6.0",
    "rimraf": "6.0.0",
    "text-blob-builder": "0.0.1",
    "tsx": "4.20.6",
    "typescript": "6.0.3"
  }
}
EOF
(cd "$WORK" && npm install --no-audit --no-fund --loglevel=error) || exit 1
# engine.io-client's tsconfig.json names no "types" (the monorepo's root provides them): give it Node's.
(cd "$WORK/packages/engine.io-client" && npx rimraf ./build && npx tsc --types node && npx tsc -p tsconfig.esm.json --types node && ./postcompile.sh) || exit 1
(cd "$WORK/packages/socket.io-client" && npx rimraf ./build && npx tsc && npx tsc -p tsconfig.esm.json && ./postcompile.sh) || exit 1

# 2. Our support server: Socket.IO on localhost:3210, Engine.IO on localhost:3000 (the suites' hard-coded addresses).
#    REFERENCE=node: the suites' own Node support servers instead, in one separate process (for comparison).
if [ "${REFERENCE:-}" = node ]; then
  (cd "$WORK" && npm install --no-audit --no-fund --loglevel=error --no-save socket.io@4.8.4) || exit 1
  # hooks.js without its rollup bundle (only the browser runner uses it), then its beforeAll.
  node -e '
    const fs = require("fs");
    let s = fs.readFileSync(process.argv[1], "utf8");
    s = s.replace(/const \{ rollup \}.*\n/, "").replace(/const rollupConfig.*\n/, "").replace(/rollup\(rollupConfig\)[\s\S]*?\n    \}\);\n/, "");
    fs.writeFileSync(process.argv[2], s);' "$WORK/packages/engine.io-client/test/support/hooks.js" "$WORK/packages/engine.io-client/test/support/hooks-without-rollup.js"
  cat > "$WORK/packages/socket.io-client/node-reference-servers.ts" <<'EOF'
import { createServer } from "./test/support/server";
createServer();
require("../engine.io-client/test/support/hooks-without-rollup.js").mochaHooks.beforeAll();
EOF
  (cd "$WORK/packages/socket.io-client" && exec node --import tsx node-reference-servers.ts) > "$WORK/server.log" 2>&1 &
else
  dotnet build "$HERE/ClientSuiteServer.csproj" -c Release -warnaserror --nologo -v q || exit 1
  dotnet "$HERE/bin/Release/net10.0/ClientSuiteServer.dll" --Logging:LogLevel:Default=Warning > "$WORK/server.log" 2>&1 &
fi
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  if curl -sf "http://localhost:3210/socket.io/?EIO=4&transport=polling" >/dev/null \
     && curl -sf "http://localhost:3000/engine.io/?EIO=4&transport=polling" >/dev/null; then
    break
  fi
  sleep 1
done

# 3. The suites. Each summary line: "<suite>: N passing, N failing, N pending".
SUMMARY=()
run() {
  local name=$1 dir=$2; shift 2
  echo
  echo "=== $name"
  local log="$WORK/$(echo "$name" | tr ' /=' '___').log"
  (cd "$WORK/packages/$dir" && timeout 900 "$@") 2>&1 | tee "$log"
  local passing failing pending
  passing=$(grep -Eo '^ +[0-9]+ passing' "$log" | grep -Eo '[0-9]+' | tail -1)
  failing=$(grep -Eo '^ +[0-9]+ failing' "$log" | grep -Eo '[0-9]+' | tail -1)
  pending=$(grep -Eo '^ +[0-9]+ pending' "$log" | grep -Eo '[0-9]+' | tail -1)
  SUMMARY+=("$name: ${passing:-0} passing, ${failing:-0} failing, ${pending:-0} pending")
  LAST=("${passing:-0}" "${failing:-0}" "${pending:-0}")
}

# socket.io-client: the files of test/index.ts, in its order, one mocha process each (see README.md: a fake clock that a
# failed test leaves installed would otherwise stall every later file).
for file in url connection socket node connection-state-recovery retry; do
  run "socket.io-client test/$file.ts" socket.io-client npx mocha --import=tsx --exit "test/$file.ts"
  SIO_PASSING=$((${SIO_PASSING:-0} + LAST[0])); SIO_FAILING=$((${SIO_FAILING:-0} + LAST[1])); SIO_PENDING=$((${SIO_PENDING:-0} + LAST[2]))
done
SUMMARY+=("socket.io-client (all files): $SIO_PASSING passing, $SIO_FAILING failing, $SIO_PENDING pending")
# engine.io-client: --exit, as the suite's own afterAll hook closes the server and with it the sockets a test leaves open
# (without it mocha never ends, against the Node reference servers out of process too).
run "engine.io-client" engine.io-client npx mocha --exit test/index.js
run "engine.io-client USE_FETCH=1" engine.io-client env USE_FETCH=1 npx mocha --exit test/index.js
# Node 20 has WebSocket as a global only behind this flag (Node 22 has it by default).
run "engine.io-client USE_BUILTIN_WS=1" engine.io-client env USE_BUILTIN_WS=1 NODE_OPTIONS=--experimental-websocket npx mocha --exit test/index.js

echo
echo "socketio/socket.io $COMMIT, $(date -u +%Y-%m-%d)"
printf '%s\n' "${SUMMARY[@]}"
