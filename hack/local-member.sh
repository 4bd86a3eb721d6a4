#!/usr/bin/env bash
# Adds a member cluster to the running local fleet and starts its agent, which asks to join the fleet.
# The registration then waits for an approver (see the README's quickstart).
#   hack/local-member.sh NAME [NODES]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
NAME="${1:?usage: hack/local-member.sh NAME [NODES]}"
NODES="${2:-3}"
DIR="${KAGENT_LOCAL_DIR:-_output/local}"
CONFIGURATION="${KAGENT_CONFIGURATION:-Debug}"
[ -f "$DIR/karmada.kubeconfig" ] || { echo "no local fleet in $DIR: run hack/local-up.sh first" >&2; exit 1; }
[ -f "$DIR/$NAME.kubeconfig" ] && { echo "$NAME is already in the local fleet" >&2; exit 1; }
DIR="$(cd "$DIR" && pwd)"
log() { printf '[local-member %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

BIN="$(hack/envtest.sh)"
export KAGENT_ENVTEST_BIN="$BIN"
dotnet "$ROOT/hack/Kagent.LocalFleet/bin/$CONFIGURATION/net10.0/kagent-local-fleet.dll" add-member "$DIR" "$NAME" "$NODES"
# shellcheck disable=SC1091
source "$DIR/ports.env"
"$BIN/kubectl" --kubeconfig "$DIR/$NAME.kubeconfig" apply -f config/agent/rbac.yaml -f config/agent/work_rbac.yaml >/dev/null 2>&1

key=$(echo "$NAME" | tr 'a-z-' 'A-Z_'); metrics_var="AGENT_${key}_METRICS_PORT"; health_var="AGENT_${key}_HEALTH_PORT"
setsid dotnet "$ROOT/src/Kagent/bin/$CONFIGURATION/net10.0/kagent.dll" agent --cluster-name "$NAME" \
  --karmada-kubeconfig "$DIR/identities/agent-$NAME-karmada.kubeconfig" --kubeconfig "$DIR/identities/agent-$NAME-member.kubeconfig" \
  --cluster-api-endpoint "$(grep -m1 'server:' "$DIR/$NAME.kubeconfig" | awk '{print $2}')" \
  --metrics-bind-address "127.0.0.1:${!metrics_var}" --health-probe-bind-address "127.0.0.1:${!health_var}" \
  >"$DIR/logs/kagent-agent-$NAME.log" 2>&1 </dev/null &
echo "$! kagent-agent-$NAME" >>"$DIR/pids"
log "kagent-agent-$NAME started (pid $!, log $DIR/logs/kagent-agent-$NAME.log)"
cat <<NEXT

$NAME is up and its agent asked to join. Next:
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusterregistrations
  kubectl --kubeconfig $DIR/karmada.kubeconfig patch clusterregistration $NAME --type merge -p '{"spec":{"accepted":true}}'
NEXT
