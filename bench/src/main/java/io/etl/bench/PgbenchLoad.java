package io.etl.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The write load of pgbench's TPC-B-like script, without its read: each transaction updates
 * one account, one teller and one branch by key and inserts a history row, so it yields {@value
 * #CHANGES_PER_TRANSACTION} change events. Keys and deltas are drawn the way pgbench draws them,
 * from a fixed seed so every run writes the same changes. After the load, one marker row
 * ({@link #writeMarker}).
 */
final class PgbenchLoad {
  static final int CHANGES_PER_TRANSACTION = 4;
  // transactions sent per round trip: the load is written before anything reads it, so only
  // its content matters, not how fast one client can produce it
  private static final int TRANSACTIONS_PER_ROUND_TRIP = 200;

  private final Endpoints endpoints;
  private final int scale;
  private final SplittableRandom random = new SplittableRandom(20261125L);

  PgbenchLoad(Endpoints endpoints, int scale) {
    this.endpoints = endpoints;
    this.scale = scale;
  }

  void write(int transactions) throws SQLException {
    try (Connection c = endpoints.connectSource(); Statement s = c.createStatement()) {
      int written = 0;
      while (written < transactions) {
        int n = Math.min(TRANSACTIONS_PER_ROUND_TRIP, transactions - written);
        StringBuilder sql = new StringBuilder(n * 400);
        for (int i = 0; i < n; i++) {
          appendTransaction(sql);
        }
        s.execute(sql.toString());
        written += n;
      }
    }
  }

  /**
   * The marker row, in a transaction of its own after the load, committed synchronously: the
   * servers run {@code synchronous_commit = off}, and a walsender sends only flushed WAL, so
   * without it every reader would wait up to {@code wal_writer_delay} for the end of the backlog.
   */
  void writeMarker() throws SQLException {
    try (Connection c = endpoints.connectSource(); Statement s = c.createStatement()) {
      s.execute("BEGIN; SET LOCAL synchronous_commit = on; INSERT INTO " + SourceData.MARKER_TABLE + " VALUES (1); COMMIT");
    }
  }

  private void appendTransaction(StringBuilder sql) {
    int aid = 1 + random.nextInt(100_000 * scale);
    int tid = 1 + random.nextInt(10 * scale);
    int bid = 1 + random.nextInt(scale);
    int delta = random.nextInt(-5000, 5001);
    sql.append(String.format(Locale.ROOT,
        "BEGIN;"
            + "UPDATE pgbench_accounts SET abalance = abalance + %4$d WHERE aid = %1$d;"
            + "UPDATE pgbench_tellers SET tbalance = tbalance + %4$d WHERE tid = %2$d;"
            + "UPDATE pgbench_branches SET bbalance = bbalance + %4$d WHERE bid = %3$d;"
            + "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (%2$d, %3$d, %1$d, %4$d, CURRENT_TIMESTAMP);"
            + "COMMIT;", aid, tid, bid, delta));
  }
}
