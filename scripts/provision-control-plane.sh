#!/usr/bin/env bash
# Provisions etcd, kube-apiserver and kubectl for the operator tests into
# fabric8 kube-api-test's offline cache, ${KUBEAPITEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/.
# No registry here serves these binaries, so they are built from the Go modules
# (through the Go module proxy) once per machine; later runs reuse the cache.
#
# Usage: provision-control-plane.sh          build unless the cache holds working binaries
#        provision-control-plane.sh --check  only say whether it does (exit 0) or not (exit 1)
#
# The cache directory appears only when all three binaries are built and have run: they are
# built in a staging directory next to it and renamed into place, so a run killed half way
# leaves no cache that looks complete, and the next run starts over. A cache is reused only if
# each binary runs and reports the expected version.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
CACHE_ROOT="${KUBEAPITEST_DIR:-$HOME/.kubeapitest}"
PLATFORM_DIR="$CACHE_ROOT/k8s"
TARGET="$PLATFORM_DIR/${K8S_VERSION}-linux-amd64"
STAGING_VERSION="v0.${K8S_VERSION#1.}"

# Runs one binary's version command and checks the version it reports. The whole output is
# captured before it is looked at: a pipe into `head` could kill the binary with SIGPIPE,
# which `set -o pipefail` turns into a failed run (that once stopped every fresh machine).
version_ok() { # <binary> <expected version> <version command...>
  local binary=$1 want=$2 out
  shift 2
  [[ -x "$binary" ]] || return 1
  out="$("$binary" "$@" 2>&1)" || return 1
  [[ "$out" == *"$want"* ]]
}

cache_ok() { # <directory>
  version_ok "$1/kube-apiserver" "v$K8S_VERSION" --version &&
    version_ok "$1/kubectl" "v$K8S_VERSION" version --client &&
    version_ok "$1/etcd" "etcd Version: $ETCD_VERSION" --version
}

if [[ "${1:-}" == "--check" ]]; then
  if cache_ok "$TARGET"; then echo "control plane: $TARGET is complete"; exit 0; fi
  echo "control plane: $TARGET is missing or incomplete"
  exit 1
fi
if cache_ok "$TARGET"; then
  echo "control plane: reusing $TARGET"
  exit 0
fi

command -v go >/dev/null || {
  echo "control plane: Go is needed to build kube-apiserver, kubectl and etcd. Fix: install Go 1.24 or later and run this again." >&2
  exit 1
}
go_minor="$(go env GOVERSION | sed -nE 's/^go1\.([0-9]+).*/\1/p')"
if [[ -z "$go_minor" || "$go_minor" -lt 24 ]]; then
  echo "control plane: $(go env GOVERSION) is too old to build Kubernetes v$K8S_VERSION. Fix: install Go 1.24 or later." >&2
  exit 1
fi

# One provisioning at a time per cache: a second run waits here, then finds the cache built.
mkdir -p "$PLATFORM_DIR"
exec 9>"$PLATFORM_DIR/.provision.lock"
flock 9
if cache_ok "$TARGET"; then
  echo "control plane: reusing $TARGET (built by a run that held the lock)"
  exit 0
fi
# Staging directories of runs that were killed before their trap ran; nobody else holds the lock.
rm -rf "$PLATFORM_DIR"/.staging-*

STAGE="$(mktemp -d "$PLATFORM_DIR/.staging-${K8S_VERSION}.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
started=$SECONDS
echo "control plane: building kube-apiserver and kubectl v$K8S_VERSION and etcd v$ETCD_VERSION into $TARGET (once per machine; about 7 minutes on two cores with an empty Go cache)"

export GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$STAGE/k8s" "$STAGE/etcd" "$STAGE/bin"

cd "$STAGE/k8s"
cat > go.mod <<MOD
module etl.io/controlplane

go 1.24

require k8s.io/kubernetes v$K8S_VERSION
MOD
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
# local paths; a module that depends on it must pin each one to the release instead.
for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
         cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
         cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms \
         kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet \
         metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
  echo "replace k8s.io/$m => k8s.io/$m $STAGING_VERSION" >> go.mod
done
k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
go build -trimpath -ldflags "$k8s_ldflags" -o "$STAGE/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "$k8s_ldflags" -o "$STAGE/bin/kubectl" k8s.io/kubernetes/cmd/kubectl

cd "$STAGE/etcd"
cat > go.mod <<MOD
module etl.io/etcd

go 1.24

require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
MOD
go build -trimpath -ldflags "-s -w" -o "$STAGE/bin/etcd" go.etcd.io/etcd/server/v3

cd "$PLATFORM_DIR"
if ! cache_ok "$STAGE/bin"; then
  echo "control plane: the built binaries do not run or report other versions than v$K8S_VERSION / etcd $ETCD_VERSION:" >&2
  for b in kube-apiserver etcd; do "$STAGE/bin/$b" --version >&2 || true; done
  "$STAGE/bin/kubectl" version --client >&2 || true
  exit 1
fi
# Into place in one rename; whatever stood there (an incomplete or other build) goes with the stage.
if [[ -e "$TARGET" ]]; then mv "$TARGET" "$STAGE/replaced"; fi
mv "$STAGE/bin" "$TARGET"
echo "control plane: built $TARGET in $((SECONDS - started)) s"
