#!/usr/bin/env bash
# Provisions the BigQuery emulator the BigQuery tests start (etl-destinations, BigQueryEmulator):
# a Python venv with bqemulator and exactly the packages pinned in
# etl-destinations/src/test/bigquery-emulator/requirements.txt, all from PyPI, plus DuckDB's
# spatial extension (shipped on PyPI as duckdb-extension-spatial) laid out where the emulator
# loads it without downloading anything. The tests run this themselves when the cache is missing.
#
# Usage: provision-bigquery-emulator.sh          build unless the cache holds a working emulator
#        provision-bigquery-emulator.sh --check  only say whether it does (exit 0) or not (exit 1)
#        provision-bigquery-emulator.sh --where  print the cache directory this checkout uses
#
# The cache, ${ETL_BIGQUERY_EMULATOR_CACHE:-~/.cache/etl/bigquery-emulator}/<hash of the pins>/,
# appears only once the emulator built in a staging directory next to it has started and answered:
# a run killed half way leaves no cache that looks complete, and changed pins get a cache of
# their own. Installer errors are printed as they come, and fail the run.
set -euo pipefail

HERE="$(cd "$(dirname "$0")/.." && pwd)"
EMULATOR_SRC="$HERE/etl-destinations/src/test/bigquery-emulator"
REQUIREMENTS="$EMULATOR_SRC/requirements.txt"
CACHE_ROOT="${ETL_BIGQUERY_EMULATOR_CACHE:-$HOME/.cache/etl/bigquery-emulator}"
KEY="$(sha256sum "$REQUIREMENTS" | cut -c1-16)"
TARGET="$CACHE_ROOT/$KEY"
DUCKDB_VERSION="$(sed -nE 's/^duckdb==([0-9.]+)$/\1/p' "$REQUIREMENTS")"

# A cache is whole when its Python imports the emulator, reports the pinned DuckDB and the
# spatial extension sits where DuckDB looks for it.
cache_ok() { # <directory>
  [[ -x "$1/venv/bin/python" && -f "$1/extensions/v$DUCKDB_VERSION/linux_amd64/spatial.duckdb_extension" ]] || return 1
  "$1/venv/bin/python" -c "import bqemulator, duckdb, sqlglot; assert duckdb.__version__ == '$DUCKDB_VERSION'" 2>/dev/null
}

case "${1:-}" in
  --where) echo "$TARGET"; exit 0 ;;
  --check)
    if cache_ok "$TARGET"; then echo "bigquery emulator: $TARGET is complete"; exit 0; fi
    echo "bigquery emulator: $TARGET is missing or incomplete"
    exit 1 ;;
esac
if cache_ok "$TARGET"; then
  echo "bigquery emulator: reusing $TARGET"
  exit 0
fi

PYTHON="${ETL_PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys, venv; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "bigquery emulator: needs Python 3.11 or later with its venv module ($PYTHON: $("$PYTHON" --version 2>&1 || echo missing))." \
    "Fix: install python3 (3.11+) and python3-venv, or point ETL_PYTHON at such a Python." >&2
  exit 1
fi

# One provisioning at a time per cache: a second run waits here, then finds the cache built.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.provision.lock"
flock 9
if cache_ok "$TARGET"; then
  echo "bigquery emulator: reusing $TARGET (built by a run that held the lock)"
  exit 0
fi
# Staging directories of runs that were killed before their trap ran; nobody else holds the lock.
rm -rf "$CACHE_ROOT"/.staging-*
STAGE="$(mktemp -d "$CACHE_ROOT/.staging-$KEY.XXXXXX")"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$STAGE"
}
trap cleanup EXIT
started=$SECONDS
echo "bigquery emulator: installing bqemulator and its pinned packages from PyPI into $TARGET (once per machine)"

"$PYTHON" -m venv "$STAGE/venv"
# --no-deps: requirements.txt pins every package, so nothing unpinned comes along;
# --only-binary: wheels only, nothing is compiled here.
"$STAGE/venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
  --no-deps --only-binary=:all: -r "$REQUIREMENTS"
"$STAGE/venv/bin/python" -m pip check

# DuckDB looks for extensions in <directory>/v<version>/<platform>/; the wheel ships the file only.
extension="$("$STAGE/venv/bin/python" -c "import duckdb_extension_spatial, pathlib; \
print(next(pathlib.Path(duckdb_extension_spatial.__path__[0]).rglob('spatial.duckdb_extension')))")"
mkdir -p "$STAGE/extensions/v$DUCKDB_VERSION/linux_amd64"
cp "$extension" "$STAGE/extensions/v$DUCKDB_VERSION/linux_amd64/"

# Prove it before it counts: start the emulator offline and ask it for the datasets of a project.
free_port() { "$STAGE/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rest_port="$(free_port)"
grpc_port="$(free_port)"
"$STAGE/venv/bin/python" "$EMULATOR_SRC/etl_bigquery_emulator.py" --rest-port "$rest_port" --grpc-port "$grpc_port" \
  --extension-dir "$STAGE/extensions" >"$STAGE/smoke.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 120); do
  if "$STAGE/venv/bin/python" -c "import urllib.request, sys; \
urllib.request.urlopen('http://127.0.0.1:$rest_port/bigquery/v2/projects/etl-test/datasets', timeout=2)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "bigquery emulator: the freshly installed emulator did not start:" >&2
    cat "$STAGE/smoke.log" >&2
    exit 1
  fi
  sleep 0.5
done
if ! kill -0 "$emulator_pid" 2>/dev/null || ! "$STAGE/venv/bin/python" -c "import urllib.request; \
urllib.request.urlopen('http://127.0.0.1:$rest_port/bigquery/v2/projects/etl-test/datasets', timeout=2)"; then
  echo "bigquery emulator: the freshly installed emulator did not answer on port $rest_port within 60 s:" >&2
  cat "$STAGE/smoke.log" >&2
  exit 1
fi
kill "$emulator_pid"
wait "$emulator_pid" 2>/dev/null || true
emulator_pid=""

rm -rf "$TARGET"
mv "$STAGE" "$TARGET"
trap - EXIT
if ! cache_ok "$TARGET"; then
  echo "bigquery emulator: $TARGET does not work after being moved into place" >&2
  rm -rf "$TARGET"
  exit 1
fi
echo "bigquery emulator: ready in $TARGET after $((SECONDS - started)) s"
