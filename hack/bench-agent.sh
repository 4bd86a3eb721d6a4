#!/usr/bin/env bash
# Measures the agent at scale on real API servers: a member with 5,000 Ready nodes and 20,000, then 150,000 pods.
# Prints a Markdown table (first complete status, working set, peak, idle CPU, idle status writes, change latency)
# for docs/benchmarks.md. Takes about 10 minutes on 2 cores. Extra arguments go to the benchmark:
#   hack/bench-agent.sh --nodes 5000 --pods 20000,150000 --idle 60
set -euo pipefail
cd "$(dirname "$0")/.."
KAGENT_ENVTEST_BIN="$(hack/envtest.sh)"
export KAGENT_ENVTEST_BIN
dotnet build tests/Kagent.Benchmarks/Kagent.Benchmarks.csproj -c Release -nologo -v q -clp:NoSummary >&2
# The agent under test is published as the image publishes it (Release, ReadyToRun).
dotnet publish src/Kagent/Kagent.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o _output/bench/kagent -nologo -v q -clp:NoSummary >&2
export KAGENT_DLL="$PWD/_output/bench/kagent/kagent.dll"
export KAGENT_TEST_ROOT="${KAGENT_TEST_ROOT:-/dev/shm/kagent-bench}"
mkdir -p "$KAGENT_TEST_ROOT"
trap 'pkill -f -- "$KAGENT_TEST_ROOT" 2>/dev/null || true' EXIT
dotnet tests/Kagent.Benchmarks/bin/Release/net10.0/kagent-bench.dll "$@"
