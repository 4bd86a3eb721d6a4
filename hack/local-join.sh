#!/usr/bin/env bash
# Joins member NAME of the local fleet as docs/onboarding.md shows: `kagent token create` against the control plane,
# `kagent join` against the member (it waits until the hub approves the agent's certificate request, that is until
# the cluster's ClusterRegistration is accepted), then starts the member's agent with the kubeconfig the join wrote
# to the member's Secret kagent-system/kagent-karmada-kubeconfig.
#   hack/local-join.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
NAME="${1:?usage: hack/local-join.sh NAME}"
DIR="$(cd "${KAGENT_LOCAL_DIR:-_output/local}" && pwd)"
CONFIGURATION="${KAGENT_CONFIGURATION:-Debug}"
BIN="${KAGENT_ENVTEST_BIN:-$(hack/envtest.sh)}"
KUBECTL="$BIN/kubectl"
KAGENT=("dotnet" "$ROOT/src/Kagent/bin/$CONFIGURATION/net10.0/kagent.dll")
log() { printf '[local-join %s] %s: %s\n' "$(date +%H:%M:%S)" "$NAME" "$*" >&2; }

"$KUBECTL" --kubeconfig "$DIR/$NAME.kubeconfig" apply -f config/agent/namespace.yaml >/dev/null 2>&1
join_command="$("${KAGENT[@]}" token create --kubeconfig "$DIR/karmada.kubeconfig" --ttl 1h --description "local fleet: $NAME" 2>/dev/null)"
log "made a bootstrap token; joining"
read -r -a join_args <<<"${join_command#kagent }"
"${KAGENT[@]}" "${join_args[@]}" --cluster-name "$NAME" --kubeconfig "$DIR/$NAME.kubeconfig" \
  --cluster-api-endpoint "$(grep -m1 'server:' "$DIR/$NAME.kubeconfig" | awk '{print $2}')" 2>&1 | sed "s/^/  /" >&2 || true
"$KUBECTL" --kubeconfig "$DIR/$NAME.kubeconfig" -n kagent-system get secret kagent-karmada-kubeconfig -o 'jsonpath={.data.karmada\.kubeconfig}' 2>/dev/null \
  | base64 -d >"$DIR/identities/agent-$NAME-karmada.kubeconfig"
[ -s "$DIR/identities/agent-$NAME-karmada.kubeconfig" ] || { log "the join did not finish (see above)"; exit 1; }

# shellcheck disable=SC1091
source "$DIR/ports.env"
key=$(echo "$NAME" | tr 'a-z-' 'A-Z_'); metrics_var="AGENT_${key}_METRICS_PORT"; health_var="AGENT_${key}_HEALTH_PORT"
setsid "${KAGENT[@]}" agent --cluster-name "$NAME" \
  --karmada-kubeconfig "$DIR/identities/agent-$NAME-karmada.kubeconfig" --kubeconfig "$DIR/identities/agent-$NAME-member.kubeconfig" \
  --cluster-api-endpoint "$(grep -m1 'server:' "$DIR/$NAME.kubeconfig" | awk '{print $2}')" \
  --metrics-bind-address "127.0.0.1:${!metrics_var}" --health-probe-bind-address "127.0.0.1:${!health_var}" \
  >"$DIR/logs/kagent-agent-$NAME.log" 2>&1 </dev/null &
echo "$! kagent-agent-$NAME" >>"$DIR/pids"
log "joined; kagent-agent-$NAME started (pid $!, log $DIR/logs/kagent-agent-$NAME.log)"
