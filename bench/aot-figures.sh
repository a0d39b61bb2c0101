#!/usr/bin/env bash
# The NativeAOT figures of the README: samples/AotServer published with NativeAOT next to the same program on the JIT.
#
#   bash bench/aot-figures.sh [runs=10] [idle-seconds=3]
#
# Publishes both builds into a temporary folder (their own artifacts path: the work tree's bin/obj are not touched):
#   native  dotnet publish samples/AotServer -c Release -r <rid>                      → ./AotServer (one file)
#   JIT     dotnet publish samples/AotServer -c Release -p:PublishAot=false           → dotnet AotServer.dll (needs the shared runtime)
# then starts each one <runs> times on 127.0.0.1 (a free port) and measures:
#   start-up  from the moment the process is started to the first successful Engine.IO handshake
#             (curl GET /socket.io/?EIO=4&transport=polling answered 0{"sid":…}, tried every 2 ms);
#   idle RSS  VmRSS of /proc/<pid>/status, <idle-seconds> after that handshake (one open session, nothing else);
#   size      the native binary (without its .dbg symbols) / the JIT build's folder (without .pdb/.xml), and the shared
#             frameworks it runs on.
# Prints a table (medians, with min–max). Needs the .NET SDK, curl and node (for a free port).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-10}
idle=${2:-3}
rid=$(dotnet --info | awk -F': *' '/^ *RID:/ { print $2; exit }')
work=$(mktemp -d "${TMPDIR:-/tmp}/tsio-aot-figures.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "publishing (rid $rid) into $work …" >&2
dotnet publish samples/AotServer -c Release -r "$rid" -o "$work/native" --artifacts-path "$work/artifacts-native" -nologo -v quiet >&2
dotnet publish samples/AotServer -c Release -p:PublishAot=false -o "$work/jit" --artifacts-path "$work/artifacts-jit" -nologo -v quiet >&2

free_port() {
  node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

now_ns() { date +%s%N; }

# measure <label> <command…>: prints "<start-up ms> <rss KiB>" for one run.
measure() {
  local port start end response rss deadline
  port=$(free_port)
  start=$(now_ns)
  "$@" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  server_pid=$!
  deadline=$((start + 30000000000))
  while :; do
    if response=$(curl -s --max-time 1 "http://127.0.0.1:$port/socket.io/?EIO=4&transport=polling" 2>/dev/null) && [[ $response == '0{"sid":'* ]]; then
      end=$(now_ns)
      break
    fi
    if [ "$(now_ns)" -gt "$deadline" ]; then echo "no handshake within 30 s: $*" >&2; exit 1; fi
    sleep 0.002
  done
  sleep "$idle"
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  echo "$(( (end - start) / 1000000 )) $rss"
}

# stats <numbers…>: "median min max"
stats() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%g %g %g\n", m, v[1], v[NR] }'
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

declare -A startup rss
for build in native jit; do
  startup[$build]=""
  rss[$build]=""
  for ((i = 1; i <= runs; i++)); do
    if [ "$build" = native ]; then
      read -r ms kib < <(measure "$work/native/AotServer")
    else
      read -r ms kib < <(measure dotnet "$work/jit/AotServer.dll")
    fi
    startup[$build]+="$ms "
    rss[$build]+="$kib "
    echo "$build run $i: ${ms} ms, ${kib} KiB" >&2
  done
done

native_size=$(stat -c %s "$work/native/AotServer")
jit_size=$(find "$work/jit" -type f ! -name '*.pdb' ! -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(dotnet --list-runtimes | awk '/^Microsoft.NETCore.App / { v = $2 } END { print v }')
aspnet_version=$(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App / { v = $2 } END { print v }')
shared_size=$(du -sb "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet_version" | awk '{ s += $1 } END { print s }')

read -r n_med n_min n_max < <(stats ${startup[native]})
read -r j_med j_min j_max < <(stats ${startup[jit]})
read -r nr_med nr_min nr_max < <(stats ${rss[native]})
read -r jr_med jr_min jr_max < <(stats ${rss[jit]})

echo
echo "samples/AotServer, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), .NET $runtime_version, $runs runs each, RSS after ${idle} s idle, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo
echo "| | NativeAOT (\`./AotServer\`) | JIT (\`dotnet AotServer.dll\`) |"
echo "|---|---|---|"
echo "| size on disk | $(mib "$native_size") (one file) | $(mib "$jit_size") + shared runtime $(mib "$shared_size") |"
echo "| start-up to first handshake (median, min–max) | ${n_med} ms (${n_min}–${n_max}) | ${j_med} ms (${j_min}–${j_max}) |"
echo "| idle RSS (median, min–max) | $(mib $((nr_med * 1024))) ($(mib $((nr_min * 1024)))–$(mib $((nr_max * 1024)))) | $(mib $((jr_med * 1024))) ($(mib $((jr_min * 1024)))–$(mib $((jr_max * 1024)))) |"
