#!/usr/bin/env bash
# Publishes the kagent executable exactly as the Dockerfile does (framework-dependent, ReadyToRun, linux-x64),
# so that the image's contents can be built and tried without Docker:
#   hack/publish.sh restore          restore packages only (the Dockerfile's cached layer)
#   hack/publish.sh publish OUT      publish into OUT (restores first unless KAGENT_NO_RESTORE=1)
# KAGENT_COMMIT names the commit in `kagent --version` (default: git's, else "unknown").
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=src/Kagent/Kagent.csproj
RID=linux-x64
COMMIT="${KAGENT_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"

# ReadyToRun needs the crossgen package, which restore fetches only when it is told about ReadyToRun.
restore() { dotnet restore "$PROJECT" -r "$RID" -p:PublishReadyToRun=true -nologo -v q; }

case "${1:-}" in
  restore)
    restore ;;
  publish)
    out="${2:?usage: hack/publish.sh publish OUT}"
    [ "${KAGENT_NO_RESTORE:-}" = 1 ] || restore
    dotnet publish "$PROJECT" -c Release -o "$out" --no-restore -r "$RID" --self-contained false \
      -p:PublishReadyToRun=true -p:KAGENT_COMMIT="$COMMIT" -nologo -v q -clp:NoSummary ;;
  *)
    echo "usage: hack/publish.sh restore | publish OUT" >&2; exit 2 ;;
esac
