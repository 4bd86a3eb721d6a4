#!/usr/bin/env bash
# Runs every test (the unit project, then the tests on real API servers) and ends with one line "N passed, N failed",
# counted from the test results. Exits non-zero on any failure, or when no test ran.
# Extra arguments go to `dotnet test` (for example: --filter "FullyQualifiedName~Harness").
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

log() { printf '[test %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

command -v dotnet >/dev/null || { echo "dotnet (the .NET 10 SDK) is required" >&2; exit 1; }

log "making sure etcd and kube-apiserver are available (builds them once, a few minutes)"
if ! KAGENT_ENVTEST_BIN="$(hack/envtest.sh)"; then
  echo "hack/envtest.sh failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
export KAGENT_ENVTEST_BIN

# Every server a test starts lives under this folder, so that leftovers can be found and stopped.
base=/tmp
[ -d /dev/shm ] && base=/dev/shm
export KAGENT_TEST_ROOT="$base/kagent-test-$$"
RESULTS="$ROOT/_output/test-results"
# This run's result files carry its process id, so that the summary counts them alone (another run may share the
# folder); those of runs older than a day are removed.
PREFIX="kagent-$$"
mkdir -p "$RESULTS"
find "$RESULTS" -name '*.trx' -mmin +1440 -delete
rm -rf "$KAGENT_TEST_ROOT"
mkdir -p "$KAGENT_TEST_ROOT"

cleanup() {
  pkill -f -- "$KAGENT_TEST_ROOT" 2>/dev/null || true
  rm -rf "$KAGENT_TEST_ROOT"
}
trap cleanup EXIT

log "building"
if ! dotnet build Kagent.sln -nologo -v q -clp:NoSummary; then
  echo "0 passed, 1 failed"
  exit 1
fi

log "checking the code style (.editorconfig)"
style=0
if ! dotnet format Kagent.sln --verify-no-changes --no-restore -v q; then
  echo "dotnet format --verify-no-changes found code to reformat; run: dotnet format Kagent.sln" >&2
  style=1
fi

# The unit tests first (no API server, seconds), then the tests on real API servers.
status=0
for project in tests/Kagent.UnitTests tests/Kagent.Tests; do
  log "running $project"
  dotnet test "$project" --no-build -nologo \
    --logger "trx;LogFilePrefix=$PREFIX" --logger "console;verbosity=normal" \
    --results-directory "$RESULTS" "$@" || status=$?
done

passed=0 failed=0 skipped=0
shopt -s nullglob
for trx in "$RESULTS"/"$PREFIX"_*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { echo "$counters" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
# A style check that fails counts as one failure.
failed=$((failed + style))

# The failures again, short, just above the summary: a CI log is often read from its end.
if [ "$failed" -gt 0 ]; then
  echo "failed tests:"
  for trx in "$RESULTS"/"$PREFIX"_*.trx; do
    awk '
      /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1; next }
      want && /<Message>/ { sub(/.*<Message>/, ""); print "  " name; lines = 0; inmsg = 1 }
      inmsg { end = sub(/<\/Message>.*/, ""); if (lines < 6) print "    " $0; lines++; if (end) { inmsg = 0; want = 0 } }
    ' "$trx"
  done
fi

[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ] || [ "$status" -ne 0 ]; then
  exit 1
fi
