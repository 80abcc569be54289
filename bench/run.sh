#!/usr/bin/env bash
# Copy and streaming throughput against the read limits of the same data, measured in one run.
# Usage: bench/run.sh [rows to copy (default 1000000)] [changes to stream (default 300000)]
# Not a test: it prints figures and ratios and never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp package -DskipTests -pl bench -am
exec java -Xmx2g -cp 'bench/target/lib/*' io.etl.bench.CopyAndStreamBench "$@"
