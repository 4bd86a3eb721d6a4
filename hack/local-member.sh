#!/usr/bin/env bash
# Adds a member cluster to the running local fleet and joins it with a bootstrap token (hack/local-join.sh, in the
# background): its ClusterRegistration waits for an approver (see the README's quickstart); once approved, the join
# ends and the member's agent starts.
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
"$BIN/kubectl" --kubeconfig "$DIR/$NAME.kubeconfig" apply -f config/agent/rbac.yaml -f config/agent/work_rbac.yaml >/dev/null 2>&1

KAGENT_LOCAL_DIR="$DIR" KAGENT_CONFIGURATION="$CONFIGURATION" setsid hack/local-join.sh "$NAME" >"$DIR/logs/join-$NAME.log" 2>&1 </dev/null &
log "joining $NAME (log $DIR/logs/join-$NAME.log); it waits for its ClusterRegistration to be accepted"
for _ in $(seq 1 120); do
  "$BIN/kubectl" --kubeconfig "$DIR/karmada.kubeconfig" get clusterregistration "$NAME" >/dev/null 2>&1 && break
  sleep 0.5
done
"$BIN/kubectl" --kubeconfig "$DIR/karmada.kubeconfig" get clusterregistration "$NAME" >/dev/null 2>&1 \
  || { log "$NAME did not ask to join; see $DIR/logs/join-$NAME.log"; exit 1; }
cat <<NEXT

$NAME is up and asked to join. Next:
  kubectl --kubeconfig $DIR/karmada.kubeconfig get clusterregistrations
  kubectl --kubeconfig $DIR/karmada.kubeconfig patch clusterregistration $NAME --type merge -p '{"spec":{"accepted":true}}'
NEXT
