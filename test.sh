#!/usr/bin/env bash
# Runs the whole test suite: restores the npm packages the interop tests use (pinned by
# package-lock.json), builds the solution with warnings as errors and runs every test project.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

if [ -f tests/interop-node/package-lock.json ]; then
  (cd tests/interop-node && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# The browser tests (tests/TypedSocketIO.Browser.Tests) drive Debian's Chromium at /usr/bin/chromium (or $CHROMIUM_PATH).
# Where it is missing and apt-get exists, install it; if it still cannot be had, those tests fail with that message
# (they never pass without a browser).
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing: installing Debian's chromium for the browser tests (apt-get update && apt-get install -y chromium)"
    as_root=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then as_root="sudo -n"; fi
    apt_log=$(mktemp)
    if timeout 900 $as_root apt-get update -qq >"$apt_log" 2>&1 &&
       timeout 900 $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >>"$apt_log" 2>&1; then
      echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null)"
    else
      tail -n 5 "$apt_log"
      echo "could not install chromium with apt-get: the browser tests will fail (Chromium is not installed at /usr/bin/chromium)"
    fi
    rm -f "$apt_log"
  else
    echo "chromium is missing at /usr/bin/chromium and apt-get is not available: the browser tests will fail (install Chromium or set CHROMIUM_PATH)"
  fi
fi

# The Redis adapter tests (tests/TypedSocketIO.Redis.Tests) start Debian's redis-server on a free loopback port.
if [ ! -x /usr/bin/redis-server ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "redis-server is missing: installing Debian's redis-server for the Redis adapter tests"
    as_root=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then as_root="sudo -n"; fi
    apt_log=$(mktemp)
    if timeout 900 $as_root apt-get update -qq >"$apt_log" 2>&1 &&
       timeout 900 $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >>"$apt_log" 2>&1; then
      echo "redis-server installed: $(/usr/bin/redis-server --version 2>/dev/null)"
    else
      tail -n 5 "$apt_log"
      echo "could not install redis-server with apt-get: the Redis adapter tests will fail (/usr/bin/redis-server is missing)"
    fi
    rm -f "$apt_log"
  else
    echo "redis-server is missing at /usr/bin/redis-server and apt-get is not available: the Redis adapter tests will fail"
  fi
fi

# The python-socketio client suite (tests/TypedSocketIO.Client.Tests, PythonServerClientSuite) runs Debian's
# python3-socketio on python3-aiohttp (tests/interop-python/socketio_server.py).
if [ ! -d /usr/lib/python3/dist-packages/socketio ] || [ ! -d /usr/lib/python3/dist-packages/aiohttp ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "python3-socketio/python3-aiohttp missing: installing them for the python-socketio client suite"
    as_root=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then as_root="sudo -n"; fi
    apt_log=$(mktemp)
    if timeout 900 $as_root apt-get update -qq >"$apt_log" 2>&1 &&
       timeout 900 $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-socketio python3-aiohttp >>"$apt_log" 2>&1; then
      echo "python3-socketio installed: $(dpkg-query -W -f='${Version}' python3-socketio 2>/dev/null)"
    else
      tail -n 5 "$apt_log"
      echo "could not install python3-socketio with apt-get: the python-socketio client suite will fail"
    fi
    rm -f "$apt_log"
  else
    echo "python3-socketio is missing and apt-get is not available: the python-socketio client suite will fail"
  fi
fi

log=$(mktemp)
dotnet build TypedSocketIO.sln -c Release -warnaserror 2>&1 | tail -n 30
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# One test project at a time: several carry real-time protocol checks (the official suites' 300 ms / 200 ms heartbeat)
# that must not compete with a NativeAOT compile or a browser on 2 cores.
dotnet test TypedSocketIO.sln -c Release --no-build -m:1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summary lines printed by the test runner:
# "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ]; then status=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
