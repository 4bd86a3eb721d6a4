#!/usr/bin/env bash
# Makes sure etcd and kube-apiserver (built from Debian's kubernetes source
# package) are available, caches them outside the repository keyed by version,
# and prints the folder that holds them on the last line of stdout.
# Progress goes to stderr so that `dir=$(hack/envtest.sh)` works.
set -euo pipefail

K8S_SOURCE_VERSION="1.20.5+really1.20.2"
# Bumped whenever the patches below change, so that a machine holding an older build rebuilds once.
BUILD_REVISION="2"
CACHE_ROOT="${KAGENT_ENVTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kagent/envtest}"
BIN_DIR="$CACHE_ROOT/k8s-${K8S_SOURCE_VERSION}-r${BUILD_REVISION}"
WHAT=(kube-apiserver kube-controller-manager)

log() { printf '[envtest %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

have_all() {
  [ -x "$BIN_DIR/etcd" ] && [ -x "$BIN_DIR/kubectl" ] || return 1
  for w in "${WHAT[@]}"; do [ -x "$BIN_DIR/$w" ] || return 1; done
}

if have_all; then
  echo "$BIN_DIR"
  exit 0
fi

# One build at a time: two test runs starting together on a new machine would otherwise build into the same tree.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
flock 9
if have_all; then
  echo "$BIN_DIR"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

apt_updated=""
apt_update_once() {
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    $SUDO apt-get update -qq >&2
    apt_updated=1
  fi
}

ensure_deb_src() {
  if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ 2>/dev/null || grep -qs '^deb-src' /etc/apt/sources.list 2>/dev/null; then
    return
  fi
  log "adding deb-src entries for bookworm"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee /etc/apt/sources.list.d/kagent-deb-src.sources >/dev/null
  else
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/kagent-deb-src.list >/dev/null
  fi
  apt_updated=""
}

mkdir -p "$BIN_DIR"

need_pkgs=()
command -v go >/dev/null || need_pkgs+=(golang-go)
command -v etcd >/dev/null || [ -x /usr/bin/etcd ] || need_pkgs+=(etcd-server)
command -v rsync >/dev/null || need_pkgs+=(rsync)
command -v jq >/dev/null || need_pkgs+=(jq)
command -v dpkg-source >/dev/null || need_pkgs+=(dpkg-dev)
command -v openssl >/dev/null || need_pkgs+=(openssl)
[ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ] || need_pkgs+=(golang-github-modern-go-reflect2-dev)

ensure_deb_src
if [ ${#need_pkgs[@]} -gt 0 ]; then
  apt_update_once
  log "installing Debian packages: ${need_pkgs[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >&2
fi

ln -sf "$(command -v etcd || echo /usr/bin/etcd)" "$BIN_DIR/etcd"
# kubectl: the machine's own when it has one (any recent client works), else built from the same source.
if [ ! -x "$BIN_DIR/kubectl" ]; then
  if command -v kubectl >/dev/null; then ln -sf "$(command -v kubectl)" "$BIN_DIR/kubectl"; else WHAT+=(kubectl); fi
fi

missing=()
for w in "${WHAT[@]}"; do [ -x "$BIN_DIR/$w" ] || missing+=("$w"); done
if [ ${#missing[@]} -eq 0 ]; then echo "$BIN_DIR"; exit 0; fi

WORK="$CACHE_ROOT/src"
SRC="$WORK/kubernetes-${K8S_SOURCE_VERSION}"
mkdir -p "$WORK"
if [ ! -d "$SRC" ]; then
  apt_update_once
  # The Debian revision changes with security updates (-1.1, -1.1+deb12u1, ...): take the newest of this upstream version.
  source_version() { apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ {print $2}' | grep -F "${K8S_SOURCE_VERSION}-" | sort -V | tail -n1; }
  version="$(source_version)"
  if [ -z "$version" ]; then
    apt_updated=""; apt_update_once
    version="$(source_version)"
  fi
  [ -n "$version" ] || { log "Debian's sources list no kubernetes ${K8S_SOURCE_VERSION}; is deb-src enabled for bookworm?"; exit 1; }
  log "fetching Debian's kubernetes $version source package (about 34 MB)"
  (cd "$WORK" && apt-get source -qq "kubernetes=$version" >&2)
  SRC="$(find "$WORK" -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
fi

# reflect2 v1.0.1 as vendored is broken under Go >= 1.18 (fatal error: fault
# while encoding some maps); Debian ships 1.0.2, which is not.
log "replacing vendored modern-go/reflect2 with Debian's 1.0.2"
R2=/usr/share/gocode/src/github.com/modern-go/reflect2
find "$SRC/vendor/github.com/modern-go/reflect2" -maxdepth 1 \( -name '*.go' -o -name '*.s' \) -delete
cp "$R2"/*.go "$SRC/vendor/github.com/modern-go/reflect2/"
cp "$R2"/*.s "$SRC/vendor/github.com/modern-go/reflect2/" 2>/dev/null || true
rm -f "$SRC/vendor/github.com/modern-go/reflect2/"*_test.go

# The vendored OpenAPI validator treats any zero value as null: `reflect.DeepEqual(reflect.Zero(T), reflect.ValueOf(v))`
# compares two reflect.Values, which never matched before Go 1.16 and matches every zero value since, so that "", 0 and
# false in a typed field of a custom resource are refused as "null" (kubernetes/kubernetes #99804 and #100043,
# go-openapi/validate #137). Kubernetes 1.21 took the upstream fix (go-openapi/validate #138, kube-openapi #230):
# only a nil value is null. The same fix, in both vendored copies of the validator.
log "patching the vendored OpenAPI validators' zero-value check (kubernetes #99804)"
for f in "$SRC/vendor/k8s.io/kube-openapi/pkg/validation/validate/type.go" "$SRC/vendor/github.com/go-openapi/validate/type.go"; do
  [ -f "$f" ] || continue
  sed -i 's/if data == nil || reflect.DeepEqual(reflect.Zero(reflect.TypeOf(data)), reflect.ValueOf(data)) {/if data == nil {/' "$f"
  if grep -q 'reflect.DeepEqual(reflect.Zero(reflect.TypeOf(data)), reflect.ValueOf(data))' "$f"; then
    log "could not patch $f"; exit 1
  fi
done

export GOPATH="$SRC/.go"
mkdir -p "$GOPATH/src/k8s.io"
ln -sfn ../../.. "$GOPATH/src/k8s.io/kubernetes"
export GOFLAGS="" GO111MODULE="${GO111MODULE:-}" CGO_ENABLED=0
for w in "${missing[@]}"; do
  log "building $w (a few minutes the first time; progress below)"
  (cd "$GOPATH/src/k8s.io/kubernetes" && make WHAT="cmd/$w" >&2)
  cp "$SRC/_output/local/bin/linux/amd64/$w" "$BIN_DIR/$w.tmp"
  mv "$BIN_DIR/$w.tmp" "$BIN_DIR/$w"
  log "built $w"
done

have_all || { log "build finished but binaries are missing in $BIN_DIR"; exit 1; }
# Builds of older revisions are no longer used.
find "$CACHE_ROOT" -maxdepth 1 -name 'k8s-*' ! -path "$BIN_DIR" -exec rm -rf {} + 2>/dev/null || true
echo "$BIN_DIR"
