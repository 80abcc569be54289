#!/usr/bin/env bash
# Builds the tools the monitoring artifacts are tested with, from the Go module proxy:
#   argocd-lua-health  deploy/argocd/test-runner: runs Argo CD health.lua scripts in gopher-lua
#   promtool           Prometheus' own rule tester (github.com/prometheus/prometheus/cmd/promtool,
#                      the version deploy/monitoring/promtool/go.mod pins), built with the
#                      remove_all_sd tag: `promtool test rules` needs no service discovery, and
#                      leaving the cloud SDKs out keeps the cold build small
# The tests that use them (ArgoCdHealthChecksIT, PrometheusRulesIT, ArgoCdHealthScenarios)
# run this themselves when a tool is missing.
#
# Usage: provision-monitoring-tools.sh [TOOL]          build TOOL (default: both) unless cached
#        provision-monitoring-tools.sh --check [TOOL]  only say whether it is cached (exit 0) or not (1)
#        provision-monitoring-tools.sh --where TOOL    print the path of TOOL's binary in this checkout's cache
#
# Each tool's cache, ${ETL_MONITORING_TOOLS_CACHE:-~/.cache/etl/monitoring-tools}/<tool>-<hash of its
# sources and go.sum>/, appears only once the binary built in a staging directory next to it has
# run: a run killed half way leaves nothing that looks complete, and changed sources get a cache of
# their own. Go's module and build caches are the usual ones (go env GOMODCACHE GOCACHE).
set -euo pipefail

HERE="$(cd "$(dirname "$0")/.." && pwd)"
CACHE_ROOT="${ETL_MONITORING_TOOLS_CACHE:-$HOME/.cache/etl/monitoring-tools}"
TOOLS=(argocd-lua-health promtool)

module_dir() { # <tool>
  case "$1" in
    argocd-lua-health) echo "$HERE/deploy/argocd/test-runner" ;;
    promtool) echo "$HERE/deploy/monitoring/promtool" ;;
    *) echo "monitoring tools: no tool named '$1'; the tools are: ${TOOLS[*]}" >&2; exit 2 ;;
  esac
}
target() { # <tool>
  local dir; dir="$(module_dir "$1")"
  echo "$CACHE_ROOT/$1-$(cat "$dir"/go.mod "$dir"/go.sum "$dir"/*.go | sha256sum | cut -c1-16)"
}
# A cache is whole when its binary runs.
cache_ok() { # <tool> <directory>
  [[ -x "$2/$1" ]] || return 1
  case "$1" in
    argocd-lua-health) [[ "$("$2/$1" 2>&1 || true)" == "usage: argocd-lua-health"* ]] ;;
    promtool) "$2/$1" --version >/dev/null 2>&1 ;;
  esac
}

mode=build
case "${1:-}" in
  --check) mode=check; shift ;;
  --where)
    [[ $# -eq 2 ]] || { echo "usage: $0 --where TOOL (one of: ${TOOLS[*]})" >&2; exit 2; }
    echo "$(target "$2")/$2"; exit 0 ;;
esac
selected=("$@")
[[ ${#selected[@]} -gt 0 ]] || selected=("${TOOLS[@]}")

if [[ $mode == check ]]; then
  status=0
  for tool in "${selected[@]}"; do
    if cache_ok "$tool" "$(target "$tool")"; then echo "monitoring tools: $(target "$tool") is complete"
    else echo "monitoring tools: $(target "$tool") is missing or incomplete"; status=1; fi
  done
  exit $status
fi

if ! command -v go >/dev/null 2>&1; then
  echo "monitoring tools: needs the go command (1.26 or later) to build ${selected[*]}. Fix: install Go (e.g. apt-get install golang-go) and put it on PATH." >&2
  exit 1
fi

mkdir -p "$CACHE_ROOT"
for tool in "${selected[@]}"; do
  dest="$(target "$tool")"
  if cache_ok "$tool" "$dest"; then echo "monitoring tools: reusing $dest"; continue; fi
  # One build at a time per cache: a second run waits here, then finds the tool built.
  exec 9>"$CACHE_ROOT/.provision-$tool.lock"
  flock 9
  if cache_ok "$tool" "$dest"; then echo "monitoring tools: reusing $dest (built by a run that held the lock)"; exec 9>&-; continue; fi
  # Staging directories of runs killed before their trap ran; nobody else holds the lock.
  rm -rf "$CACHE_ROOT"/.staging-"$tool"-*
  stage="$(mktemp -d "$CACHE_ROOT/.staging-$tool-XXXXXX")"
  trap 'rm -rf "$stage"' EXIT
  started=$SECONDS
  echo "monitoring tools: building $tool into $dest (once per machine)"
  case "$tool" in
    argocd-lua-health) (cd "$(module_dir "$tool")" && go build -mod=readonly -trimpath -o "$stage/$tool" .) ;;
    promtool) (cd "$(module_dir "$tool")" && go build -mod=readonly -trimpath -tags remove_all_sd -o "$stage/$tool" \
      github.com/prometheus/prometheus/cmd/promtool) ;;
  esac
  if ! cache_ok "$tool" "$stage"; then
    echo "monitoring tools: the freshly built $tool does not run" >&2
    exit 1
  fi
  rm -rf "$dest"
  mv "$stage" "$dest"
  trap - EXIT
  exec 9>&-
  echo "monitoring tools: $tool ready in $dest after $((SECONDS - started)) s"
done
