#!/usr/bin/env bash
# Brings up a local fleet on this machine: a Karmada stand-in control plane and member clusters on real
# kube-apiservers, one `kagent hub` and one `kagent agent` per member, as local processes.
# Idempotent: a second run stops the first fleet (hack/local-down.sh) and starts afresh.
#
#   KAGENT_LOCAL_DIR   output folder              (default: _output/local)
#   KAGENT_MEMBERS     comma-separated members    (default: member1,member2)
#   KAGENT_NODES       simulated nodes per member (default: 3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DIR="${KAGENT_LOCAL_DIR:-_output/local}"
MEMBERS="${KAGENT_MEMBERS:-member1,member2}"
NODES="${KAGENT_NODES:-3}"
CONFIGURATION="${KAGENT_CONFIGURATION:-Debug}"

log() { printf '[local-up %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

hack/local-down.sh >/dev/null 2>&1 || true
rm -rf "$DIR"
mkdir -p "$DIR/logs"
DIR="$(cd "$DIR" && pwd)"

log "making sure etcd and kube-apiserver are available"
BIN="$(hack/envtest.sh)"
export KAGENT_ENVTEST_BIN="$BIN"

log "building Kagent ($CONFIGURATION)"
dotnet build "$ROOT/hack/Kagent.LocalFleet/Kagent.LocalFleet.csproj" -c "$CONFIGURATION" -nologo -v q -clp:NoSummary >&2
dotnet build "$ROOT/src/Kagent/Kagent.csproj" -c "$CONFIGURATION" -nologo -v q -clp:NoSummary >&2
KAGENT=("dotnet" "$ROOT/src/Kagent/bin/$CONFIGURATION/net10.0/kagent.dll")
FLEET=("dotnet" "$ROOT/hack/Kagent.LocalFleet/bin/$CONFIGURATION/net10.0/kagent-local-fleet.dll")

"${FLEET[@]}" up "$DIR" "$MEMBERS" "$NODES"
# shellcheck disable=SC1091
source "$DIR/ports.env"
IFS=',' read -r -a members <<<"$MEMBERS"
KUBECTL="$BIN/kubectl"
kc() { "$KUBECTL" --kubeconfig "$DIR/$1.kubeconfig" "${@:2}" 2>&1 | grep -v '^WARNING: version difference' || true; }

log "applying config/rbac to the control plane and config/agent/rbac.yaml and work_rbac.yaml to each member"
kc karmada apply -k config/rbac >/dev/null
kc karmada apply -f config/apiservice/viewer_role.yaml >/dev/null
for m in "${members[@]}"; do kc "$m" apply -f config/agent/rbac.yaml -f config/agent/work_rbac.yaml >/dev/null; done

start() { # name, then the kagent arguments
  local name=$1; shift
  setsid "${KAGENT[@]}" "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo "$! $name" >>"$DIR/pids"
  log "$name started (pid $!, log $DIR/logs/$name.log)"
}

start kagent-hub hub --kubeconfig "$DIR/identities/hub.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$HUB_SECURE_PORT" --tls-cert-file "$DIR/pki/hub.crt" --tls-private-key-file "$DIR/pki/hub.key" \
  --metrics-bind-address "127.0.0.1:$HUB_METRICS_PORT" --health-probe-bind-address "127.0.0.1:$HUB_HEALTH_PORT"

for m in "${members[@]}"; do
  key=$(echo "$m" | tr 'a-z-' 'A-Z_')
  metrics_var="AGENT_${key}_METRICS_PORT"; health_var="AGENT_${key}_HEALTH_PORT"
  start "kagent-agent-$m" agent --cluster-name "$m" \
    --karmada-kubeconfig "$DIR/identities/agent-$m-karmada.kubeconfig" --kubeconfig "$DIR/identities/agent-$m-member.kubeconfig" \
    --cluster-api-endpoint "$(grep -m1 'server:' "$DIR/$m.kubeconfig" | awk '{print $2}')" \
    --metrics-bind-address "127.0.0.1:${!metrics_var}" --health-probe-bind-address "127.0.0.1:${!health_var}"
done

wait_ready() { # name, port
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; then log "$1 ready"; return 0; fi
    sleep 0.5
  done
  log "$1 did not become ready; see $DIR/logs/$1.log"; return 1
}
wait_ready kagent-hub "$HUB_HEALTH_PORT"
log "waiting for the APIService v1alpha1.kagent.io (clusterhealths) to become Available"
"$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" wait apiservice v1alpha1.kagent.io --for condition=Available --timeout 60s >/dev/null \
  || { log "APIService v1alpha1.kagent.io is not Available; see $DIR/logs/kagent-hub.log"; exit 1; }
for m in "${members[@]}"; do
  key=$(echo "$m" | tr 'a-z-' 'A-Z_'); health_var="AGENT_${key}_HEALTH_PORT"
  wait_ready "kagent-agent-$m" "${!health_var}"
done

# Onboarding: each agent has asked to join; the admin approves, and the hub registers the cluster with Karmada.
phase() { "$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" get clusterregistration "$1" -o 'jsonpath={.status.phase}' 2>/dev/null || true; }
approve() { "$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" patch clusterregistration "$1" --type merge -p '{"spec":{"accepted":true}}' >/dev/null 2>&1; }
for m in "${members[@]}"; do
  for _ in $(seq 1 120); do [ -n "$(phase "$m")" ] && break; sleep 0.5; done
  log "$m asked to join (phase $(phase "$m")); approving it"
  for _ in $(seq 1 60); do approve "$m" && break; sleep 0.5; done
done
for m in "${members[@]}"; do
  for _ in $(seq 1 120); do [ "$(phase "$m")" = Registered ] && break; sleep 0.5; done
  [ "$(phase "$m")" = Registered ] || { log "$m did not register; see $DIR/logs/kagent-hub.log"; exit 1; }
  log "$m registered"
done

cat <<NEXT

The local fleet is up. Kubeconfigs:
  control plane: $DIR/karmada.kubeconfig
$(for m in "${members[@]}"; do echo "  $m: $DIR/$m.kubeconfig"; done)
Logs: $DIR/logs/   Process ids: $DIR/pids

Try:
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusterhealth -o wide
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusterregistrations
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusters.cluster.karmada.io -o wide
  kubectl --kubeconfig $DIR/${members[0]}.kubeconfig get nodes
  curl -s http://127.0.0.1:$HUB_METRICS_PORT/metrics | grep kagent_
Stop it with: hack/local-down.sh
NEXT
