#!/usr/bin/env bash
# The operator under load: Pipelines with a Secret each, one Destination, one embedded
# PostgreSQL source, against the real test API server (kube-api-test binaries in ~/.kubeapitest,
# no kubelet). Prints the operator's RSS and heap, API requests by verb per minute, and how
# current the Pipelines' statuses are. Not a test: it prints figures and never fails on them.
# Usage: bench/operator-bench.sh [pipelines (default 500)] [minutes (default 10)] [observe interval s (default 15)]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp package -DskipTests -pl bench -am
# the operator's JVM runs with its image's flags and environment (operator/pom.xml, jvmFlags;
# OperatorImageIT checks the two agree); ETL_BENCH_OPERATOR_JVM_FLAGS overrides them
OPERATOR_IMAGE_JVM_FLAGS="-XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
export ETL_BENCH_OPERATOR_JVM_FLAGS="${ETL_BENCH_OPERATOR_JVM_FLAGS-$OPERATOR_IMAGE_JVM_FLAGS}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX-2}"
exec java -Xmx1g -cp 'bench/target/lib/*' io.etl.bench.operator.OperatorBench "$@"
