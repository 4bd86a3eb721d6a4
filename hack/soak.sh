#!/usr/bin/env bash
# The long form of FaultyControlPlaneTests: an agent whose control plane answers one request in ten with a 500 and
# delays one in ten by 5 s, for 30 minutes (KAGENT_CHURN_SECONDS to change it), with its file descriptors, threads
# and memory measured before and after. Results go in docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export KAGENT_CHURN_SECONDS="${KAGENT_CHURN_SECONDS:-1800}"
exec hack/test.sh --filter "FullyQualifiedName~FaultyControlPlaneTests" --logger "console;verbosity=detailed"
