#!/usr/bin/env bash
# Brings up a local fleet on this machine: a Karmada stand-in control plane (kube-apiserver with bootstrap-token
# authentication and kube-controller-manager's CSR and bootstrap signers), the host cluster it would run in, and
# member clusters on real kube-apiservers, one `kagent hub` and one `kagent agent` per member, as local processes.
# Each member joins as docs/onboarding.md shows: kagent token create, kagent join (hack/local-join.sh). The hub
# is installed as on a real Karmada (docs/operations.md): config/install/karmada-apiserver applied to the control plane, config/install/host checked against the host cluster by server-side dry run
# (it has no nodes to run pods on), and the hub run here with the host Deployment's arguments, reaching
# karmada-apiserver through a kubeconfig.
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

log "applying config/install/karmada-apiserver to the control plane"
kc karmada apply -k config/install/karmada-apiserver >/dev/null
# This machine has no cluster DNS and no port 443: the bridge Service, the APIService and the webhooks point at
# the hub process here, as the host cluster's DNS and the hub's Service would.
kc karmada -n kagent-system patch service kagent-hub --type json \
  -p "[{\"op\":\"replace\",\"path\":\"/spec/externalName\",\"value\":\"127.0.0.1\"},{\"op\":\"replace\",\"path\":\"/spec/ports/0/port\",\"value\":$HUB_SECURE_PORT}]" >/dev/null
kc karmada patch apiservice v1alpha1.kagent.io --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/service/port\",\"value\":$HUB_SECURE_PORT}]" >/dev/null
kc karmada patch validatingwebhookconfiguration kagent-onboarding --type json \
  -p "[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/service/port\",\"value\":$HUB_SECURE_PORT},{\"op\":\"replace\",\"path\":\"/webhooks/1/clientConfig/service/port\",\"value\":$HUB_SECURE_PORT}]" >/dev/null

log "making the hub's kubeconfig for karmada-apiserver: a token of its ServiceAccount there (docs/operations.md)"
HUB_KUBECONFIG="$DIR/identities/hub.kubeconfig"
token="$("$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" -n kagent-system create token kagent-hub --duration 8760h)"
"$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \
  | base64 -d >"$DIR/identities/karmada-ca.crt"
"$KUBECTL" config --kubeconfig "$HUB_KUBECONFIG" set-cluster karmada-apiserver --embed-certs \
  --server "$(grep -m1 'server:' "$DIR/karmada.kubeconfig" | awk '{print $2}')" --certificate-authority "$DIR/identities/karmada-ca.crt" >/dev/null
"$KUBECTL" config --kubeconfig "$HUB_KUBECONFIG" set-credentials kagent-hub --token "$token" >/dev/null
"$KUBECTL" config --kubeconfig "$HUB_KUBECONFIG" set-context karmada-apiserver --cluster karmada-apiserver --user kagent-hub >/dev/null
"$KUBECTL" config --kubeconfig "$HUB_KUBECONFIG" use-context karmada-apiserver >/dev/null

log "checking config/install/host against the host cluster (server-side dry run)"
kc host-cluster create namespace kagent-system --save-config >/dev/null
host_manifests="$("$KUBECTL" kustomize config/install/host)"
# PodDisruptionBudget is policy/v1 since Kubernetes 1.21; older servers take the same fields as policy/v1beta1.
"$KUBECTL" --kubeconfig "$DIR/host-cluster.kubeconfig" api-versions 2>/dev/null | grep -qx policy/v1 \
  || host_manifests="$(sed 's#^apiVersion: policy/v1$#apiVersion: policy/v1beta1#' <<<"$host_manifests")"
kc host-cluster apply --dry-run=server -f - <<<"$host_manifests" >"$DIR/logs/host-cluster-dry-run.log"
grep -q 'deployment.apps/kagent-hub created (server dry run)' "$DIR/logs/host-cluster-dry-run.log" \
  || { log "config/install/host was not accepted; see $DIR/logs/host-cluster-dry-run.log"; exit 1; }

log "applying config/agent/rbac.yaml and work_rbac.yaml to each member"
for m in "${members[@]}"; do kc "$m" apply -f config/agent/rbac.yaml -f config/agent/work_rbac.yaml >/dev/null; done

start() { # name, then the kagent arguments
  local name=$1; shift
  setsid "${KAGENT[@]}" "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo "$! $name" >>"$DIR/pids"
  log "$name started (pid $!, log $DIR/logs/$name.log)"
}

# The host Deployment's arguments (config/install/host), with this machine's paths and ports.
start kagent-hub hub --karmada-kubeconfig "$HUB_KUBECONFIG" --self-signed-certs --self-signed-certs-hosts 127.0.0.1 \
  --bind-address 127.0.0.1 --secure-port "$HUB_SECURE_PORT" \
  --metrics-bind-address "127.0.0.1:$HUB_METRICS_PORT" --health-probe-bind-address "127.0.0.1:$HUB_HEALTH_PORT"

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
# Joining: each member with a bootstrap token; its ClusterRegistration waits for the admin, who approves it; the hub
# then approves the agent's certificate request and registers the cluster with Karmada.
phase() { "$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" get clusterregistration "$1" -o 'jsonpath={.status.phase}' 2>/dev/null || true; }
approve() { "$KUBECTL" --kubeconfig "$DIR/karmada.kubeconfig" patch clusterregistration "$1" --type merge -p '{"spec":{"accepted":true}}' >/dev/null 2>&1; }
export KAGENT_LOCAL_DIR="$DIR" KAGENT_CONFIGURATION="$CONFIGURATION"
joins=()
for m in "${members[@]}"; do
  hack/local-join.sh "$m" &
  joins+=("$!")
done
for m in "${members[@]}"; do
  for _ in $(seq 1 120); do [ -n "$(phase "$m")" ] && break; sleep 0.5; done
  log "$m asked to join (phase $(phase "$m")); approving it"
  for _ in $(seq 1 60); do approve "$m" && break; sleep 0.5; done
done
for j in "${joins[@]}"; do wait "$j" || { log "a join failed; see above"; exit 1; }; done
for m in "${members[@]}"; do
  key=$(echo "$m" | tr 'a-z-' 'A-Z_'); health_var="AGENT_${key}_HEALTH_PORT"
  wait_ready "kagent-agent-$m" "${!health_var}"
done
for m in "${members[@]}"; do
  for _ in $(seq 1 120); do [ "$(phase "$m")" = Registered ] && break; sleep 0.5; done
  [ "$(phase "$m")" = Registered ] || { log "$m did not register; see $DIR/logs/kagent-hub.log"; exit 1; }
  log "$m registered"
done

cat <<NEXT

The local fleet is up. Kubeconfigs:
  control plane: $DIR/karmada.kubeconfig
  host cluster:  $DIR/host-cluster.kubeconfig
$(for m in "${members[@]}"; do echo "  $m: $DIR/$m.kubeconfig"; done)
Logs: $DIR/logs/   Process ids: $DIR/pids

Try:
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusterhealth -o wide
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusterregistrations
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusters.cluster.karmada.io -o wide
  kubectl --kubeconfig $DIR/karmada.kubeconfig -n kagent-system get clusterprofiles   # the fleet as multicluster tools see it
  kubectl --kubeconfig $DIR/${members[0]}.kubeconfig get nodes
  curl -s http://127.0.0.1:$HUB_METRICS_PORT/metrics | grep kagent_
Stop it with: hack/local-down.sh
NEXT
