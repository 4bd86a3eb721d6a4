#!/usr/bin/env bash
# The long form of FaultyServerTests: an agent whose control plane (or member API server) answers one request in
# ten with a 500 and delays one in ten by 5 s, for 30 minutes each (KAGENT_CHURN_SECONDS to change it), with its
# file descriptors, threads and memory measured before and after. Results go in docs/reliability.md.
#   hack/soak.sh [control-plane|member|both]    (default: both, about 65 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-both}" in
  control-plane) filter="FullyQualifiedName~FaultyServerTests.Through_500s_and_5s_delays_from_the_control_plane" ;;
  member) filter="FullyQualifiedName~FaultyServerTests.Through_500s_and_5s_delays_from_the_member" ;;
  both) filter="FullyQualifiedName~FaultyServerTests" ;;
  *) echo "hack/soak.sh: unknown side '$1'; use control-plane, member or both" >&2; exit 2 ;;
esac
export KAGENT_CHURN_SECONDS="${KAGENT_CHURN_SECONDS:-1800}"
exec hack/test.sh --filter "$filter" --logger "console;verbosity=detailed"
