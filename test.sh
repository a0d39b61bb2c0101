#!/usr/bin/env bash
# Runs the whole test suite: restores the npm packages the interop tests use (pinned by
# package-lock.json), builds the solution with warnings as errors and runs every test project.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

if [ -f tests/interop-node/package-lock.json ]; then
  (cd tests/interop-node && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

log=$(mktemp)
dotnet build TypedSocketIO.sln -c Release -warnaserror 2>&1 | tail -n 30
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test TypedSocketIO.sln -c Release --no-build 2>&1 | tee "$log"
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
