#!/usr/bin/env bash
# Provisions helm for the chart tests (operator HelmChartIT, e2e-tests HelmInstallScenarios):
# no registry here serves helm's release binaries, so it is built from its Go module
# (helm.sh/helm/v4/cmd/helm, through the Go module proxy) once per machine into
# ${ETL_HELM_CACHE:-~/.cache/etl/helm}/<version>/helm. The tests run this themselves when the
# cache is missing.
#
# Usage: provision-helm.sh          build unless the cache holds a working helm
#        provision-helm.sh --check  only say whether it does (exit 0) or not (exit 1)
#        provision-helm.sh --where  print the path of the helm binary this checkout uses
#
# The binary is built in a staging directory next to the cache and renamed into place only once
# it has run and reported the pinned version: a run killed half way leaves no cache that looks
# complete, and another version gets a directory of its own.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-4.3.2}"
CACHE_ROOT="${ETL_HELM_CACHE:-$HOME/.cache/etl/helm}"
TARGET="$CACHE_ROOT/$HELM_VERSION"

# The whole output is captured before it is looked at (no pipe that could SIGPIPE the binary).
cache_ok() { # <directory>
  local out
  [[ -x "$1/helm" ]] || return 1
  out="$("$1/helm" version --template '{{.Version}}' 2>&1)" || return 1
  [[ "$out" == "v$HELM_VERSION" ]]
}

case "${1:-}" in
  --where) echo "$TARGET/helm"; exit 0 ;;
  --check)
    if cache_ok "$TARGET"; then echo "helm: $TARGET is complete"; exit 0; fi
    echo "helm: $TARGET is missing or incomplete"
    exit 1 ;;
esac
if cache_ok "$TARGET"; then
  echo "helm: reusing $TARGET"
  exit 0
fi

command -v go >/dev/null || {
  echo "helm: Go is needed to build helm v$HELM_VERSION. Fix: install Go 1.25 or later and run this again." >&2
  exit 1
}

# One provisioning at a time per cache: a second run waits here, then finds the cache built.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.provision.lock"
flock 9
if cache_ok "$TARGET"; then
  echo "helm: reusing $TARGET (built by a run that held the lock)"
  exit 0
fi
# Staging directories of runs that were killed before their trap ran; nobody else holds the lock.
rm -rf "$CACHE_ROOT"/.staging-*
STAGE="$(mktemp -d "$CACHE_ROOT/.staging-$HELM_VERSION.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
started=$SECONDS
echo "helm: building helm v$HELM_VERSION from its Go module into $TARGET (once per machine)"

# helm reads its version from a variable its release build sets; without it `helm version`
# would say only the module's major version.
CGO_ENABLED=0 GOBIN="$STAGE" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
  "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION"

if ! cache_ok "$STAGE"; then
  echo "helm: the built binary does not run or reports another version than v$HELM_VERSION:" >&2
  "$STAGE/helm" version >&2 || true
  exit 1
fi
# Into place in one rename; whatever stood there (an incomplete or other build) goes with the stage.
if [[ -e "$TARGET" ]]; then mv "$TARGET" "$STAGE/replaced"; fi
mkdir "$STAGE/dir" && mv "$STAGE/helm" "$STAGE/dir/helm"
mv "$STAGE/dir" "$TARGET"
echo "helm: built $TARGET in $((SECONDS - started)) s"
