#!/usr/bin/env bash
# Measures Kagent at scale on real API servers and prints Markdown tables for docs/benchmarks.md.
#   hack/bench.sh agent [--nodes 5000] [--pods 20000,150000] [--idle 60]
#       a member with 5,000 Ready nodes and 20,000, then 150,000 pods: first complete status, working set, peak,
#       idle CPU, idle status writes, change latency (about 10 minutes on 2 cores)
#   hack/bench.sh hub [--clusters 1000] [--watchers 100] [--requests 500]
#       the clusterhealths aggregated API: list latency directly and through kube-apiserver, memory, and the
#       time for one change to reach every open watch (about 3 minutes)
#   hack/bench.sh works [--works 2000] [--idle 60] [--settle 30]
#       Works built as Karmada's control plane builds them (half Deployments, half Services) created at once: time until
#       every one is Applied with manifestStatuses, control-plane writes per Work (audit log), RSS and idle CPU before
#       and after, idle Work writes, edit latency, deletion (about 5 minutes)
# KAGENT_BENCH_ENV="NAME=value ..." sets environment variables for the run, after the Dockerfile's ENV lines; for example
#   KAGENT_BENCH_ENV="DOTNET_GCName=libclrgc.so" hack/bench.sh agent --pods 20000 --idle 60
#   KAGENT_BENCH_AGENT_ARGS="--v=4" hack/bench.sh works --works 200   (extra agent flags: --v=4 logs each request)
set -euo pipefail
cd "$(dirname "$0")/.."
KAGENT_ENVTEST_BIN="$(hack/envtest.sh)"
export KAGENT_ENVTEST_BIN
dotnet build tests/Kagent.Benchmarks/Kagent.Benchmarks.csproj -c Release -nologo -v q -clp:NoSummary >&2
# The Kagent under test is published as the image publishes it (Release, ReadyToRun).
dotnet publish src/Kagent/Kagent.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o _output/bench/kagent -nologo -v q -clp:NoSummary >&2
export KAGENT_DLL="$PWD/_output/bench/kagent/kagent.dll"
# ... and runs with the image's runtime settings (its ENV lines), the agent also with its Deployment's env
# (config/agent/deployment.yaml), then KAGENT_BENCH_ENV's, to measure a variant.
while read -r setting; do export "${setting?}"; done < <(sed -n 's/^ENV \([A-Z][A-Za-z0-9_]*=[^ ]*\)$/\1/p' Dockerfile)
for setting in ${KAGENT_BENCH_ENV:-}; do export "$setting"; done
export KAGENT_TEST_ROOT="${KAGENT_TEST_ROOT:-/dev/shm/kagent-bench}"
mkdir -p "$KAGENT_TEST_ROOT"
trap 'pkill -f -- "$KAGENT_TEST_ROOT" 2>/dev/null || true' EXIT
dotnet tests/Kagent.Benchmarks/bin/Release/net10.0/kagent-bench.dll "$@"
