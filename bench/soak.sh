#!/usr/bin/env bash
# Kill-and-restart soak: the replicator as a child process (the README's run command), SIGKILLed
# at random moments during the copy and while streaming, again and again, as pgbench writes into
# the source (its pgbench_history has no key); then one last run, and every table of the
# destination is compared with the source. Not a test: it prints what happened, exits 1 on a
# difference, and never runs in the build.
# Usage: bench/soak.sh [kills (default 100)] [pgbench scale (default 5)] [seed]
# Needs pgbench on the PATH (Debian: apt-get install postgresql-client).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pgbench >/dev/null || { echo "soak: pgbench is needed. Fix: install it (Debian: apt-get install postgresql-client)." >&2; exit 2; }
./mvnw -B -q -ntp package -DskipTests -pl bench,replicator-image -am
rm -rf bench/target/soak
exec java -Xmx1g -cp 'bench/target/lib/*' io.etl.bench.Soak "$@"
