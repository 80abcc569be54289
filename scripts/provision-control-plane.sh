#!/usr/bin/env bash
# Provisions etcd, kube-apiserver and kubectl for the operator tests into
# fabric8 kube-api-test's offline cache, ~/.kubeapitest/k8s/<version>-linux-amd64/.
# No registry here serves these binaries, so they are built from the Go modules
# (through the Go module proxy) once per machine; later runs reuse the cache.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
CACHE_ROOT="${KUBEAPITEST_DIR:-$HOME/.kubeapitest}"
TARGET="$CACHE_ROOT/k8s/${K8S_VERSION}-linux-amd64"

if [[ -x "$TARGET/kube-apiserver" && -x "$TARGET/etcd" && -x "$TARGET/kubectl" ]]; then
  echo "control plane: reusing $TARGET"
  exit 0
fi

command -v go >/dev/null || { echo "control plane: Go is needed to build kube-apiserver (install Go 1.24+)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
STAGING_VERSION="v0.${K8S_VERSION#1.}"

echo "control plane: building kube-apiserver and kubectl v$K8S_VERSION and etcd v$ETCD_VERSION into $TARGET (once per machine)"
mkdir -p "$WORK/k8s" "$WORK/bin"
cd "$WORK/k8s"
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
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
export GOFLAGS=-mod=mod CGO_ENABLED=0
go mod tidy >/dev/null 2>&1 || true
go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION" \
  -o "$WORK/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION" \
  -o "$WORK/bin/kubectl" k8s.io/kubernetes/cmd/kubectl

mkdir -p "$WORK/etcd" && cd "$WORK/etcd"
cat > go.mod <<MOD
module etl.io/etcd

go 1.24

require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
MOD
go build -trimpath -ldflags "-s -w" -o "$WORK/bin/etcd" go.etcd.io/etcd/server/v3 2>/dev/null || {
  go mod tidy >/dev/null 2>&1 || true
  go build -trimpath -ldflags "-s -w" -o "$WORK/bin/etcd" go.etcd.io/etcd/server/v3
}

"$WORK/bin/kube-apiserver" --version
"$WORK/bin/etcd" --version | head -1
mkdir -p "$TARGET"
cp "$WORK/bin/kube-apiserver" "$WORK/bin/kubectl" "$WORK/bin/etcd" "$TARGET/"
echo "control plane: ready in $TARGET"
