#!/usr/bin/env bash
# The operator under load: Pipelines with a Secret each, one Destination, one embedded
# PostgreSQL source, against the real test API server (kube-api-test binaries in ~/.kubeapitest,
# no kubelet). Prints the operator's RSS and heap, API requests by verb per minute, and how
# current the Pipelines' statuses are. Not a test: it prints figures and never fails on them.
# Usage: bench/operator-bench.sh [pipelines (default 500)] [minutes (default 10)] [observe interval s (default 15)]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp package -DskipTests -pl bench -am
exec java -Xmx1g -cp 'bench/target/lib/*' io.etl.bench.operator.OperatorBench "$@"
