#!/usr/bin/env bash
# Provisions what the e2e-tests module needs for a real one-node Kubernetes on this machine,
# beside the control plane of scripts/provision-control-plane.sh (etcd, kube-apiserver, kubectl):
#   - from Debian (apt-get, only what is missing): containerd, runc, the CNI plugins, iptables,
#     and a C compiler for the pause binary;
#   - built from the Go modules once per machine into
#     ${KUBEAPITEST_DIR:-~/.kubeapitest}/node/<version>-linux-amd64/: kubelet, kube-controller-manager,
#     kube-scheduler and kube-proxy at the apiserver's version, and pause-image.tar, a pod sandbox
#     image holding Kubernetes' own build/pause/linux/pause.c compiled statically.
#
# Usage: provision-node.sh          install and build unless everything is there and works
#        provision-node.sh --check  only say whether it is (exit 0) or not (exit 1)
#
# As in provision-control-plane.sh: the binaries are built in a staging directory next to the cache
# and renamed into place only once each runs and reports the expected version, under a lock, so an
# interrupted run leaves no cache that looks complete and a second run waits for the first.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
CACHE_ROOT="${KUBEAPITEST_DIR:-$HOME/.kubeapitest}"
NODE_DIR="$CACHE_ROOT/node"
TARGET="$NODE_DIR/${K8S_VERSION}-linux-amd64"
STAGING_VERSION="v0.${K8S_VERSION#1.}"
PAUSE_IMAGE="localhost/etl/pause:$K8S_VERSION"
BINARIES=(kubelet kube-controller-manager kube-scheduler kube-proxy)
# command or file → the Debian package that brings it
PACKAGES=(
  "containerd:containerd" "ctr:containerd" "runc:runc"
  "/usr/lib/cni/bridge:containernetworking-plugins" "/usr/lib/cni/host-local:containernetworking-plugins"
  "/usr/lib/cni/loopback:containernetworking-plugins"
  "iptables:iptables" "iptables-restore:iptables" "ip:iproute2" "cc:gcc" "/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev"
)

# The whole output is captured before it is looked at (see provision-control-plane.sh: a pipe
# into head once killed a binary with SIGPIPE, which pipefail turned into a failure).
version_ok() { # <binary> <expected text> <version command...>
  local binary=$1 want=$2 out
  shift 2
  [[ -x "$binary" ]] || return 1
  out="$("$binary" "$@" 2>&1)" || return 1
  [[ "$out" == *"$want"* ]]
}

binaries_ok() { # <directory>
  local b
  for b in "${BINARIES[@]}"; do
    version_ok "$1/$b" "v$K8S_VERSION" --version || return 1
  done
  version_ok "$1/pause" "pause.c v$K8S_VERSION" -v && [[ -s "$1/pause-image.tar" ]] &&
    [[ "$(cat "$1/pause-image.name" 2>/dev/null)" == "$PAUSE_IMAGE" ]]
}

missing_packages() {
  local entry thing pkg missing=()
  for entry in "${PACKAGES[@]}"; do
    thing="${entry%%:*}" pkg="${entry#*:}"
    if [[ "$thing" == /* ]]; then [[ -e "$thing" ]] && continue; else command -v "$thing" >/dev/null && continue; fi
    [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
  done
  echo "${missing[*]}"
}

if [[ "${1:-}" == "--check" ]]; then
  missing="$(missing_packages)"
  if [[ -z "$missing" ]] && binaries_ok "$TARGET"; then echo "node: $TARGET and the Debian packages are complete"; exit 0; fi
  [[ -z "$missing" ]] || echo "node: Debian packages missing: $missing"
  binaries_ok "$TARGET" || echo "node: $TARGET is missing or incomplete"
  exit 1
fi

missing="$(missing_packages)"
if [[ -n "$missing" ]]; then
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "node: the Debian packages $missing are missing. Fix: run as root, or: sudo apt-get install -y $missing" >&2
    exit 1
  fi
  echo "node: installing Debian packages $missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086 # a list of package names
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing </dev/null
  missing="$(missing_packages)"
  [[ -z "$missing" ]] || { echo "node: apt-get did not install $missing" >&2; exit 1; }
fi

if binaries_ok "$TARGET"; then
  echo "node: reusing $TARGET"
  exit 0
fi

command -v go >/dev/null || {
  echo "node: Go is needed to build ${BINARIES[*]}. Fix: install Go 1.24 or later and run this again." >&2
  exit 1
}
go_minor="$(go env GOVERSION | sed -nE 's/^go1\.([0-9]+).*/\1/p')"
if [[ -z "$go_minor" || "$go_minor" -lt 24 ]]; then
  echo "node: $(go env GOVERSION) is too old to build Kubernetes v$K8S_VERSION. Fix: install Go 1.24 or later." >&2
  exit 1
fi

mkdir -p "$NODE_DIR"
exec 9>"$NODE_DIR/.provision.lock"
flock 9
if binaries_ok "$TARGET"; then
  echo "node: reusing $TARGET (built by a run that held the lock)"
  exit 0
fi
# staging directories of runs killed before their trap ran; nobody else holds the lock
rm -rf "$NODE_DIR"/.staging-*

STAGE="$(mktemp -d "$NODE_DIR/.staging-${K8S_VERSION}.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
started=$SECONDS
echo "node: building ${BINARIES[*]} v$K8S_VERSION and the pause image into $TARGET (once per machine; one to three minutes after provision-control-plane.sh has filled the Go caches)"

export GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$STAGE/k8s" "$STAGE/bin" "$STAGE/pause/rootfs" "$STAGE/pause/image/layer"
cd "$STAGE/k8s"
cat > go.mod <<MOD
module etl.io/node

go 1.24

require k8s.io/kubernetes v$K8S_VERSION
MOD
# the same pins as provision-control-plane.sh: k8s.io/kubernetes replaces its staging modules with
# local paths, so a module that depends on it pins each one to the release
for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
         cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
         cri-client csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms \
         kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet \
         metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller; do
  echo "replace k8s.io/$m => k8s.io/$m $STAGING_VERSION" >> go.mod
done
k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
packages=()
for b in "${BINARIES[@]}"; do packages+=("k8s.io/kubernetes/cmd/$b"); done
# one go build for all four: the packages they share are compiled once
go build -trimpath -ldflags "$k8s_ldflags" -o "$STAGE/bin/" "${packages[@]}"

# The pod sandbox ("pause") image: Kubernetes' own pause.c, static, as the only file of one layer,
# in the docker-archive layout `ctr images import` reads (manifest.json, config, layer tar).
k8s_dir="$(go list -m -f '{{.Dir}}' k8s.io/kubernetes)"
cc -Os -static -Wall -DVERSION="v$K8S_VERSION" -o "$STAGE/bin/pause" "$k8s_dir/build/pause/linux/pause.c"
cp "$STAGE/bin/pause" "$STAGE/pause/rootfs/pause"
tar --sort=name --mtime='@0' --owner=0 --group=0 --numeric-owner -C "$STAGE/pause/rootfs" -cf "$STAGE/pause/image/layer/layer.tar" pause
diff_id="sha256:$(sha256sum "$STAGE/pause/image/layer/layer.tar" | cut -d' ' -f1)"
cat > "$STAGE/pause/image/config.json" <<JSON
{
  "architecture": "amd64",
  "os": "linux",
  "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
  "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
  "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "scripts/provision-node.sh: build/pause/linux/pause.c of k8s.io/kubernetes v$K8S_VERSION"}]
}
JSON
config_sha="$(sha256sum "$STAGE/pause/image/config.json" | cut -d' ' -f1)"
mv "$STAGE/pause/image/config.json" "$STAGE/pause/image/$config_sha.json"
cat > "$STAGE/pause/image/manifest.json" <<JSON
[{"Config": "$config_sha.json", "RepoTags": ["$PAUSE_IMAGE"], "Layers": ["layer/layer.tar"]}]
JSON
tar --mtime='@0' --owner=0 --group=0 --numeric-owner -C "$STAGE/pause/image" -cf "$STAGE/bin/pause-image.tar" \
  manifest.json "$config_sha.json" layer/layer.tar
echo "$PAUSE_IMAGE" > "$STAGE/bin/pause-image.name"

cd "$NODE_DIR"
if ! binaries_ok "$STAGE/bin"; then
  echo "node: the built binaries do not run or report other versions than v$K8S_VERSION:" >&2
  for b in "${BINARIES[@]}"; do "$STAGE/bin/$b" --version >&2 || true; done
  "$STAGE/bin/pause" -v >&2 || true
  exit 1
fi
# into place in one rename; whatever stood there (an incomplete or other build) goes with the stage
if [[ -e "$TARGET" ]]; then mv "$TARGET" "$STAGE/replaced"; fi
mv "$STAGE/bin" "$TARGET"
echo "node: built $TARGET in $((SECONDS - started)) s"
