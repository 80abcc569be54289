package io.etl.bench;

import io.etl.core.testing.PostgresServer;
import java.util.List;
import java.util.Locale;

/**
 * The source's tables: one wide table to copy ({@code big}) and pgbench's four tables at a
 * given scale to stream changes of, each set in a publication of its own, plus a marker table
 * whose single row, committed after the write load, tells a reader it has seen everything, and
 * the latency case's probe table.
 */
final class SourceData {
  static final String COPY_PUBLICATION = "bench_copy_pub";
  static final String STREAM_PUBLICATION = "bench_stream_pub";
  static final String COPY_TABLE = "big";
  static final String MARKER_TABLE = "bench_marker";
  /** Written only by the latency case, one row per probe transaction. */
  static final String LATENCY_TABLE = "latency_probe";
  static final String[] PGBENCH_TABLES = {"pgbench_accounts", "pgbench_tellers", "pgbench_branches", "pgbench_history"};
  /** The streamed tables, empty: pgbench's (as {@code pgbench -i} creates them), the marker and the latency probes. */
  static final List<String> STREAM_TABLES_DDL = List.of(
      "CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88))",
      "CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84))",
      "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84))",
      "CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))",
      "CREATE TABLE " + MARKER_TABLE + " (id int PRIMARY KEY)",
      "CREATE TABLE " + LATENCY_TABLE + " (id bigint PRIMARY KEY, payload text)");
  /** Every table of {@link #STREAM_PUBLICATION}. */
  static final List<String> STREAM_TABLES = List.of("pgbench_accounts", "pgbench_tellers", "pgbench_branches",
      "pgbench_history", MARKER_TABLE, LATENCY_TABLE);
  static final String COPY_TABLE_COLUMNS = "(id bigint PRIMARY KEY, account int, amount numeric(12,2), note text, at timestamptz)";

  private SourceData() {}

  static void load(PostgresServer source, int rows, int scale) {
    long start = System.nanoTime();
    source.executeIn("postgres",
        "CREATE TABLE big " + COPY_TABLE_COLUMNS,
        "INSERT INTO big SELECT g, g % 1000, (g % 100000) / 100.0, 'note ' || md5(g::text), now() - g * interval '1 second'"
            + " FROM generate_series(1, " + rows + ") g",
        "VACUUM ANALYZE big",
        "CREATE PUBLICATION " + COPY_PUBLICATION + " FOR TABLE big");
    System.out.printf(Locale.ROOT, "bench: loaded %,d rows into big (%s) in %.1f s%n", rows,
        source.queryOne("postgres", "SELECT pg_size_pretty(pg_total_relation_size('big'))"), Seconds.since(start));

    start = System.nanoTime();
    // the tables and initial rows of `pgbench -i -s <scale>`
    source.executeIn("postgres", STREAM_TABLES_DDL.toArray(String[]::new));
    source.executeIn("postgres",
        "INSERT INTO pgbench_branches SELECT g, 0 FROM generate_series(1, " + scale + ") g",
        "INSERT INTO pgbench_tellers SELECT g, (g - 1) / 10 + 1, 0 FROM generate_series(1, " + 10 * scale + ") g",
        "INSERT INTO pgbench_accounts SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, " + 100_000 * scale + ") g",
        "VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history",
        "CREATE PUBLICATION " + STREAM_PUBLICATION + " FOR TABLE " + String.join(", ", STREAM_TABLES));
    System.out.printf(Locale.ROOT, "bench: loaded pgbench tables at scale %d (%s) in %.1f s%n", scale,
        source.queryOne("postgres", "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c"
            + " WHERE c.relname LIKE 'pgbench\\_%' AND c.relkind = 'r'"), Seconds.since(start));
  }
}
