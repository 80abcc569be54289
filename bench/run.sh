#!/usr/bin/env bash
# Copy and streaming throughput and peak RSS of the replicator (and of Debezium for streaming),
# against the read limits of the same data, measured in one run.
# Usage: bench/run.sh [rows to copy (default 5000000)] [pgbench transactions to stream (default 100000)]
# Not a test: it prints figures and ratios and never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp package -DskipTests -pl bench -am
# the parent holds the embedded servers and the read limits; each measured case runs in a child JVM
exec java -Xmx2g -cp 'bench/target/lib/*' io.etl.bench.CopyAndStreamBench "$@"
