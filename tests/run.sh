#!/usr/bin/env bash
# Quick start 2: the whole test suite. Extra arguments go to `dotnet test`, e.g. tests/run.sh --filter Routing
# Its last line counts the results from the TRX files: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

.ci/ensure-deps --browser --redis --compose

if [[ -f web/package.json ]]; then
  # npm ci again whenever the lockfile is newer than what was installed from it.
  (cd web && { [[ node_modules/.package-lock.json -nt package-lock.json ]] || npm ci; } && npm run build)
fi

results=tests/artifacts/results
rm -rf "$results"

# The run's temporary files (throwaway PostGIS clusters of 1 GB or more, browser profiles, photo stores) go in a folder
# of their own that is deleted when the run ends: the test host is often killed before it can tidy up after itself.
# 755 so that the postgres user can reach the clusters inside it.
TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/ujar-run.XXXXXX")
export TMPDIR
chmod 755 "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT

# LogFilePrefix gives each test project its own TRX file. A test hanging for 15 minutes is killed (and counted)
# rather than holding CI to its time limit.
status=0
dotnet test Ujar.sln -c Release \
  --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 15m --blame-hang-dump-type none \
  "$@" || status=$?

shopt -s nullglob
trx=("$results"/*.trx)
if (( ${#trx[@]} == 0 )); then
  echo "tests/run.sh: dotnet test exited $status and wrote no TRX file (build failure?)" >&2
  echo "tests: 0 passed, 0 failed, 0 skipped"
  exit $(( status == 0 ? 1 : status ))
fi

# Sums one attribute of the <Counters .../> element over all TRX files.
count() {
  local sum=0 n
  for n in $(grep -ho '<Counters [^>]*>' "${trx[@]}" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+'); do
    sum=$(( sum + n ))
  done
  echo "$sum"
}

passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
# xunit's skipped tests are counted in total but not in executed (nor always in notExecuted): take the rest of total.
skipped=$(( $(count total) - passed - failed ))
(( skipped >= 0 )) || skipped=0

if (( passed + failed == 0 )); then
  echo "tests/run.sh: no test ran" >&2
  status=1
elif (( failed > 0 && status == 0 )); then
  status=1
fi

# The names and first message lines of failed tests, so that a CI log cut to its tail still says what failed.
if (( failed > 0 )); then
  echo "Failed tests:"
  awk '
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
      match($0, /testName="[^"]*"/); print "  - " substr($0, RSTART + 10, RLENGTH - 11); failing = 1; next }
    /<UnitTestResult / { failing = 0 }
    failing && /<Message>/ { printing = 4 }
    printing > 0 { sub(/^[ \t]*/, ""); print "      " substr($0, 1, 300); printing--; if (/<\/Message>/) printing = 0 }
  ' "${trx[@]}"
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
