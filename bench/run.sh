#!/usr/bin/env bash
# The benchmark of issue 16: our server (untyped and typed API, JIT and NativeAOT) beside the official Node socket.io
# 4.8.4, driven by one C# load generator (bench/LoadGen) in the same run, every figure printed per server with the ratio
# ours / Node, and written to bench/RESULTS.md with the date, the machine, the versions, the load average and this command.
#
#   bash bench/run.sh [--quick] [--servers node,untyped-jit,typed-jit,untyped-aot,typed-aot,untyped-jit-inline,untyped-jit-tuned,bare-jit,bare-jit-tuned]
#                     [--scenarios acks,fanout,idle,idle-large,polling,binary,cluster-fanout] [--out FILE] [--rounds N]
#
# --rounds N: every server runs every scenario N times, the servers in turn within each round; RESULTS.md gives the
# median of each figure and every round's value of the main one (this shared machine's speed moves from minute to minute).
# bare-jit / bare-jit-tuned are not Socket.IO servers: the least a Kestrel server does to answer the acks scenario
# (bench/Servers/BenchServer/BareEchoHandler.cs), the ceiling of Kestrel's transport for that scenario.
#
# Full run ~10-15 min (includes the NativeAOT publish); --quick ~2 min (JIT servers, short windows, no idle-large).
# Each scenario gets a fresh server process pinned to core 0 (taskset -c 0); the load generator runs on core 1.
# Everything listens on and connects to 127.0.0.1 (and 127.0.0.2… as extra source addresses); every step is bounded
# by `timeout`. Needs the .NET SDK, node/npm and taskset (util-linux); cluster-fanout needs redis-server (Debian's package).
# cluster-fanout: two server processes of the same kind on one redis-server (all three on core 0), the receivers split
# between them; it runs the JIT servers and Node (the NativeAOT BenchServer leaves the Redis adapter out).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=0
servers=""
scenarios=""
out="bench/RESULTS.md"
rounds=1
command_line="bash bench/run.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --servers) servers="$2"; shift ;;
    --scenarios) scenarios="$2"; shift ;;
    --out) out="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then
  servers=${servers:-node,untyped-jit,typed-jit}
  scenarios=${scenarios:-acks,fanout,idle,polling,binary,cluster-fanout}
  warmup=1; duration=3; idle_n=2000; idle_window=3; fanout_receivers=1000
else
  servers=${servers:-node,untyped-jit,typed-jit,untyped-aot,typed-aot}
  scenarios=${scenarios:-acks,fanout,idle,idle-large,polling,binary,cluster-fanout}
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
cluster_pids=""
redis_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  for pid in $cluster_pids $redis_pid; do kill -9 "$pid" 2>/dev/null || true; done
  rm -f "$results"
}
trap cleanup EXIT

echo "building the load generator and the servers under test (logs in $logs) …" >&2
if [ ! -d bench/node/node_modules/socket.io ]; then
  (cd bench/node && timeout 300 npm ci --no-audit --no-fund >"$logs/npm.log" 2>&1)
fi
timeout 600 dotnet publish bench/LoadGen -c Release -o "$build/loadgen" --artifacts-path "$build/artifacts-loadgen" -nologo -v quiet >"$logs/build-loadgen.log" 2>&1 \
  || { cat "$logs/build-loadgen.log" >&2; exit 1; }
case ",$servers," in *-jit,*|*-jit-inline,*|*-jit-tuned,*|*bare-jit*)
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
    untyped-jit-inline) echo "ours untyped JIT, inline socket completions" ;;
    untyped-jit-tuned) echo "ours untyped JIT, inline completions and Kestrel scheduling" ;;
    bare-jit) echo "reference: bare Kestrel ConnectionHandler (acks only)" ;;
    bare-jit-tuned) echo "reference: bare ConnectionHandler, inline completions and Kestrel scheduling" ;;
    *) echo "unknown server $1" >&2; exit 2 ;;
  esac
}

# start_server <server> <log name> [extra arguments…]: starts it on core 0 on a free port; sets server_pid and server_url.
start_server() {
  local kind="$1" log="$logs/server-$1-$2.log"
  shift 2
  case "$kind" in
    node) taskset -c 0 node bench/node/server.mjs --port 0 "$@" >"$log" 2>&1 & ;;
    untyped-jit) taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api untyped --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    typed-jit) taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api typed --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    # A tuning, not a default: socket continuations run on the epoll thread (no thread-pool hop), as in README "Performance".
    untyped-jit-inline) DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api untyped --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    # Both tunings of README "Performance": no thread-pool hop in the runtime's sockets nor in Kestrel.
    untyped-jit-tuned) DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api untyped --kestrel-inline true --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    # Not Socket.IO: the least a Kestrel server does to answer the acks scenario (BareEchoHandler.cs), for its figures only.
    bare-jit) taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api bare --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    bare-jit-tuned) DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 taskset -c 0 dotnet "$build/jit/BenchServer.dll" --api bare --kestrel-inline true --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    untyped-aot) taskset -c 0 "$build/aot/BenchServer" --api untyped --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
    typed-aot) taskset -c 0 "$build/aot/BenchServer" --api typed --urls http://127.0.0.1:0 "$@" >"$log" 2>&1 & ;;
  esac
  server_pid=$!
  server_url=""
  for _ in $(seq 300); do
    server_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
    [ -n "$server_url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $kind did not start within 30 s:" >&2; cat "$log" >&2; return 1
}

# start_redis: a throw-away redis-server on core 0 on a free loopback port, no persistence; sets redis_pid and redis_port.
start_redis() {
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  taskset -c 0 redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >"$logs/redis-$redis_port.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do
    if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.1
  done
  echo "redis-server did not start:" >&2; cat "$logs/redis-$redis_port.log" >&2; return 1
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# cluster_fanout <server> <label>: two nodes of that kind on one Redis, receivers split between them.
cluster_fanout() {
  local server="$1" name="$2"
  case "$server" in *-aot) echo "cluster-fanout: skipping $server (the NativeAOT BenchServer has no Redis adapter)" >&2; return 0 ;; esac
  command -v redis-server >/dev/null || { echo "cluster-fanout needs redis-server (apt-get install redis-server)" >&2; return 0; }
  start_redis
  start_server "$server" cluster-a --redis "127.0.0.1:$redis_port"; local pid_a=$server_pid url_a=$server_url
  cluster_pids="$pid_a"; server_pid=""
  start_server "$server" cluster-b --redis "127.0.0.1:$redis_port"; local pid_b=$server_pid url_b=$server_url
  cluster_pids="$pid_a $pid_b"; server_pid=""
  loadgen run --scenario cluster-fanout --receivers "$fanout_receivers" --outstanding 16 --url "$url_a" --url2 "$url_b" \
    --server-pid "$pid_a,$pid_b" --redis-pid "$redis_pid" --server "$name" --results "$results" --warmup "$warmup" --duration "$duration" \
    --note "two nodes and redis-server on core 0, half the receivers on each node; server CPU is both nodes'" || true
  stop_pid "$pid_a"; stop_pid "$pid_b"; cluster_pids=""
  stop_pid "$redis_pid"; redis_pid=""
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
 for round in $(seq "$rounds"); do
  for server in "${server_list[@]}"; do
    name=$(label "$server")
    case "$server,$scenario" in bare-*,acks) ;; bare-*,*) continue ;; esac   # the reference answers the acks scenario only
    if [ "$scenario" = cluster-fanout ]; then
      cluster_fanout "$server" "$name"
      continue
    fi
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
done

# A 1-minute load above half the cores at the start means other work shared the machine. (At the end it says nothing: the
# benchmark's own server and load generator, and the cluster scenario's three processes, keep it above 2.)
load_note=$(awk -v a="${load_before%% *}" -v n="$(nproc)" \
  'BEGIN { if (a > n / 2) print "the machine was busy with other work when this started: the figures are noisy, compare the ratios of one run and see the load beside each scenario" }')
loadgen report --results "$results" --out "$out" --command "$command_line" --date "$started" --nproc "$(nproc)" \
  --dotnet-version "$(dotnet --version) SDK" --node-version "$(node --version)" --load-before "$load_before" \
  ${load_note:+--load-note "$load_note"} \
  --append bench/RESULTS.notes.md
echo "written to $out" >&2
