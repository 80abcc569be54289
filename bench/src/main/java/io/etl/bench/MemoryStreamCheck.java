package io.etl.bench;

import io.etl.core.destination.MemoryDestination;
import io.etl.core.event.Row;
import io.etl.core.schema.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Whether the memory destination's streamed content matches the source. The measured run starts
 * from an empty memory destination (the copy happened in another JVM), so it holds exactly the
 * rows the load touched: every history row, and each account, teller and branch named by one,
 * with the balance the source has now. Untouched rows have balance 0 on the source, so the sums
 * of balances must agree too.
 */
final class MemoryStreamCheck {
  private final Endpoints endpoints;
  private final MemoryDestination memory;

  MemoryStreamCheck(Endpoints endpoints, MemoryDestination memory) {
    this.endpoints = endpoints;
    this.memory = memory;
  }

  void run() throws SQLException {
    try (Connection source = endpoints.connectSource()) {
      compare(source, "pgbench_accounts", "aid", "abalance", 2);
      compare(source, "pgbench_tellers", "tid", "tbalance", 2);
      compare(source, "pgbench_branches", "bid", "bbalance", 1);
      long history = memory.rowCount(new TableId("public", "pgbench_history"));
      long expected = single(source, "SELECT count(*) FROM pgbench_history");
      Checks.warnUnless(history == expected,
          "the memory destination holds " + history + " history rows, the source " + expected);
    }
  }

  private void compare(Connection source, String table, String key, String balance, int balanceColumn)
      throws SQLException {
    List<Row> rows = memory.rows(new TableId("public", table));
    long heldBalance = rows.stream().mapToLong(r -> Long.parseLong(r.get(balanceColumn))).sum();
    long touched = single(source, "SELECT count(DISTINCT " + key + ") FROM pgbench_history");
    long sourceBalance = single(source, "SELECT coalesce(sum(" + balance + "), 0) FROM " + table);
    Checks.warnUnless(rows.size() == touched && heldBalance == sourceBalance,
        "the memory destination holds " + rows.size() + " rows of " + table + " with balances summing to " + heldBalance
            + "; the load touched " + touched + " and the source's balances sum to " + sourceBalance);
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
