#!/usr/bin/env bash
# Stops everything hack/local-up.sh started, by the process ids it recorded: Kagent first, then each
# kube-apiserver before its etcd (reverse start order), each given time to shut down cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${KAGENT_LOCAL_DIR:-_output/local}"
PIDS="$DIR/pids"
[ -f "$PIDS" ] || { echo "nothing to stop (no $PIDS)"; exit 0; }

# Running, as opposed to gone or exited but not yet reaped (a zombie).
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null; }

wait_gone() { # pid, tenths of a second
  for _ in $(seq 1 "$2"); do alive "$1" || return 0; sleep 0.1; done
  return 1
}

tac "$PIDS" | while read -r pid name; do
  alive "$pid" || continue
  kill -TERM "$pid" 2>/dev/null || true
  if wait_gone "$pid" 150; then
    echo "stopped $name ($pid)"
  else
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || true
    echo "killed $name ($pid) after 15s"
  fi
done
rm -f "$PIDS"
echo "local fleet stopped"
