#!/usr/bin/env bash
# The benchmark of issue 16: our server (untyped and typed API, JIT and NativeAOT) beside the official Node socket.io
# 4.8.4, driven by one C# load generator (bench/LoadGen) in the same run, every figure printed per server with the ratio
# ours / Node, and written to bench/RESULTS.md with the date, the machine, the versions, the load average and this command.
#
#   bash bench/run.sh [--quick] [--servers node,untyped-jit,typed-jit,untyped-aot,typed-aot]
#                     [--scenarios acks,fanout,idle,idle-large,polling,binary] [--out FILE]
#
# Full run ~10-15 min (includes the NativeAOT publish); --quick ~2 min (JIT servers, short windows, no idle-large).
# Each scenario gets a fresh server process pinned to core 0 (taskset -c 0); the load generator runs on core 1.
# Everything listens on and connects to 127.0.0.1 (and 127.0.0.2… as extra source addresses); every step is bounded
# by `timeout`. Needs the .NET SDK, node/npm and taskset (util-linux).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=0
servers=""
scenarios=""
out="bench/RESULTS.md"
command_line="bash bench/run.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --servers) servers="$2"; shift ;;
    --scenarios) scenarios="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then
  servers=${servers:-node,untyped-jit,typed-jit}
  scenarios=${scenarios:-acks,fanout,idle,polling,binary}
  warmup=1; duration=3; idle_n=2000; idle_window=3; fanout_receivers=1000
else
  servers=${servers:-node,untyped-jit,typed-jit,untyped-aot,typed-aot}
  scenarios=${scenarios:-acks,fanout,idle,idle-large,polling,binary}
  warmup=2; duration=8; idle_n=5000; idle_window=10; fanout_receivers=1000
fi

for tool in dotnet node npm taskset timeout; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool" >&2; exit 1; }
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "bench/run.sh: $started, load average $load_before, servers $servers, scenarios $scenarios" >&2

# Raise the open-file limit as far as allowed: idle-large wants 50 000 connections (as many fds in the server and in
# the load generator). Where the hard limit is lower, idle-large holds what fits and says so.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit=$(ulimit -n)
idle_large=50000
if [ "$fd_limit" != unlimited ] && [ "$fd_limit" -lt $((idle_large + 1000)) ]; then
  idle_large=$((fd_limit - 1000))
  idle_large_note="50 000 wanted; the open-file limit here is $fd_limit (ulimit -Hn, not raisable in this container), so $idle_large were held"
else
  idle_large_note=""
fi

build=bench/.build            # publish outputs and their own artifacts (gitignored), kept between runs for speed
mkdir -p "$build"
results=$(mktemp "${TMPDIR:-/tmp}/tsio-bench.XXXXXX.jsonl")
logs=$(mktemp -d "${TMPDIR:-/tmp}/tsio-bench-logs.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -f "$results"
}
trap cleanup EXIT

echo "building the load generator and the servers under test (logs in $logs) …" >&2
if [ ! -d bench/node/node_modules/socket.io ]; then
  (cd bench/node && timeout 300 npm ci --no-audit --no-fund >"$logs/npm.log" 2>&1)
fi
timeout 600 dotnet publish bench/LoadGen -c Release -o "$build/loadgen" --artifacts-path "$build/artifacts-loadgen" -nologo -v quiet >"$logs/build-loadgen.log" 2>&1 \
  || { cat "$logs/build-loadgen.log" >&2; exit 1; }
case ",$servers," in *-jit,*)
  timeout 900 dotnet publish bench/Servers/BenchServer -c Release -p:PublishAot=false -o "$build/jit" --artifacts-path "$build/artifacts-jit" -nologo -v quiet >"$logs/build-jit.log" 2>&1 \
    || { cat "$logs/build-jit.log" >&2; exit 1; } ;;
esac
case ",$servers," in *-aot,*)
  rid=$(dotnet --info | awk -F': *' '/^ *RID:/ { print $2; exit }')
  timeout 1200 dotnet publish bench/Servers/BenchServer -c Release -r "$rid" -o "$build/aot" --artifacts-path "$build/artifacts-aot" -nologo -v quiet >"$logs/build-aot.log" 2>&1 \
    || { cat "$logs/build-aot.log" >&2; exit 1; } ;;
esac

label() {
  case "$1" in
    node) echo "Node socket.io 4.8.4" ;;
    untyped-jit) echo "ours untyped JIT" ;;
    typed-jit) echo "ours typed JIT" ;;
    untyped-aot) echo "ours untyped AOT" ;;
    typed-aot) echo "ours typed AOT" ;;
    *) echo "unknown server $1" >&2; exit 2 ;;
  esac
}

# start_server <server>: starts it on core 0 on a free port; sets server_pid and server_url.
start_server() {
  local log="$logs/server-$1-$2.log"
  case "$1" in
    node) taskset -c 0 node bench/node/server.mjs --port 0 >"$log" 2>&1 & ;;
    untyped-jit) taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api untyped --urls http://127.0.0.1:0 >"$log" 2>&1 & ;;
    typed-jit) taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api typed --urls http://127.0.0.1:0 >"$log" 2>&1 & ;;
    untyped-aot) taskset -c 0 "$build/aot/BenchServer" --api untyped --urls http://127.0.0.1:0 >"$log" 2>&1 & ;;
    typed-aot) taskset -c 0 "$build/aot/BenchServer" --api typed --urls http://127.0.0.1:0 >"$log" 2>&1 & ;;
  esac
  server_pid=$!
  server_url=""
  for _ in $(seq 300); do
    server_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
    [ -n "$server_url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $1 did not start within 30 s:" >&2; cat "$log" >&2; return 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Socket continuations run on the epoll thread (no thread-pool hop): a cheaper load generator.
loadgen() { DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 timeout 300 taskset -c 1 dotnet "$build/loadgen/LoadGen.dll" "$@"; }

IFS=, read -r -a server_list <<<"$servers"
IFS=, read -r -a scenario_list <<<"$scenarios"
for scenario in "${scenario_list[@]}"; do
  for server in "${server_list[@]}"; do
    name=$(label "$server")
    start_server "$server" "$scenario"
    common=(--url "$server_url" --server-pid "$server_pid" --server "$name" --results "$results" --warmup "$warmup" --duration "$duration")
    case "$scenario" in
      acks) loadgen run --scenario acks --clients 50 "${common[@]}" || true ;;
      binary) loadgen run --scenario binary --clients 10 --size 65536 "${common[@]}" || true ;;
      fanout) loadgen run --scenario fanout --receivers "$fanout_receivers" --outstanding 16 "${common[@]}" || true ;;
      polling) loadgen run --scenario polling --clients 50 "${common[@]}" || true ;;
      idle) loadgen run --scenario idle --label "idle $idle_n" --connections "$idle_n" --idle-window "$idle_window" "${common[@]}" || true ;;
      idle-large) loadgen run --scenario idle --label "idle $idle_large" --connections "$idle_large" --idle-window "$idle_window" \
                    ${idle_large_note:+--note "$idle_large_note"} "${common[@]}" || true ;;
      *) echo "unknown scenario $scenario" >&2; exit 2 ;;
    esac
    stop_server
  done
done

# A 1-minute load above half the cores at the start or the end means other work shared the machine.
load_note=$(awk -v a="${load_before%% *}" -v b="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" \
  'BEGIN { if (a > n / 2 || b > n / 2) print "the machine was busy with other work while this ran: the figures are noisy, compare the ratios of one run and see the load beside each scenario" }')
loadgen report --results "$results" --out "$out" --command "$command_line" --date "$started" --nproc "$(nproc)" \
  --dotnet-version "$(dotnet --version) SDK" --node-version "$(node --version)" --load-before "$load_before" \
  ${load_note:+--load-note "$load_note"} \
  --append bench/RESULTS.notes.md
echo "written to $out" >&2
