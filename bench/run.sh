#!/usr/bin/env bash
# Copy and streaming throughput, CPU and peak RSS of the replicator (and of Debezium for streaming),
# against the limits of the same work (COPY read and transfer, pg_recvlogical decode, native
# subscription apply), and commit-to-visible latency into PostgreSQL, measured in one run.
# Usage: bench/run.sh [rows to copy (default 5000000)] [pgbench transactions to stream (default 100000)]
#        [latency probes per second (default 2000)] [latency probes (default 20 s worth)]
# Not a test: it prints figures and ratios and never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp package -DskipTests -pl bench -am
# the parent holds the embedded servers and the read limits; each measured case runs in a child JVM
exec java -Xmx2g -cp 'bench/target/lib/*' io.etl.bench.CopyAndStreamBench "$@"
