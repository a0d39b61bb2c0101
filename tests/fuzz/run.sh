#!/usr/bin/env bash
# Coverage-guided fuzzing of the decoders with SharpFuzz + AFL++ (see tests/fuzz/README.md).
#
#   bash tests/fuzz/run.sh <socketio|engineio-payload|websocket|msgpack|request-head|all> [seconds per target, default 60]
#
# Publishes tests/fuzz/TypedSocketIO.Fuzz, instruments TypedSocketIO.Core.dll, TypedSocketIO.EngineIO.dll and TypedSocketIO.MessagePack.dll with the
# sharpfuzz tool, runs afl-fuzz on one core from the kept corpus (tests/fuzz/corpus/<target>) for the given time, then
# prints executions/s, paths found and crashes, and replays every crash and the queue without AFL to confirm. Installs
# Debian's afl++ and the SharpFuzz.CommandLine tool (2.3.0) when missing. Findings stay in tests/fuzz/.out (gitignored):
# copy a minimised crash into the corpus once its bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."
targets="${1:-all}"
seconds="${2:-60}"
[ "$targets" = all ] && targets="socketio engineio-payload websocket msgpack request-head"

if ! command -v afl-fuzz >/dev/null; then
  as_root=""; if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then as_root="sudo -n"; fi
  $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

build=tests/fuzz/.build
out=tests/fuzz/.out
mkdir -p "$build" "$out"
dotnet publish tests/fuzz/TypedSocketIO.Fuzz -c Release -o "$build/plain" --artifacts-path "$build/artifacts" -nologo -v quiet >"$build/publish.log" 2>&1 \
  || { cat "$build/publish.log"; exit 1; }
# AFL runs an instrumented copy; replays run the plain one (instrumented code needs AFL's shared memory).
rm -rf "$build/app" && cp -r "$build/plain" "$build/app"
for assembly in TypedSocketIO.Core.dll TypedSocketIO.EngineIO.dll TypedSocketIO.MessagePack.dll; do
  sharpfuzz "$build/app/$assembly" >/dev/null
done

export AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
for target in $targets; do
  rm -rf "${out:?}/$target"
  echo "fuzzing $target for ${seconds}s …"
  timeout $((seconds + 120)) afl-fuzz -i "tests/fuzz/corpus/$target" -o "$out/$target" -t 5000 -m none -V "$seconds" \
    -- dotnet "$build/app/TypedSocketIO.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 || true
  stats="$out/$target/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "afl-fuzz did not start for $target:"; tail -n 20 "$out/$target.log"; exit 1
  fi
  value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  echo "$target: $(value execs_done) executions, $(value execs_per_sec) execs/s, corpus $(value corpus_count), crashes $(value saved_crashes), hangs $(value saved_hangs)"
  dotnet "$build/plain/TypedSocketIO.Fuzz.dll" "$target" --replay "$out/$target/default/queue"
  if compgen -G "$out/$target/default/crashes/id*" >/dev/null; then
    echo "crashes of $target: replaying them (the first one's exception follows)"
    dotnet "$build/plain/TypedSocketIO.Fuzz.dll" "$target" --replay "$out/$target/default/crashes" || true
  fi
done
