package io.etl.core.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A workload for a server with a small logical_decoding_work_mem: three sessions whose
 * transactions interleave, each step large enough (thousands of rows) to be streamed before its
 * transaction ends. It has whole transactions committing between stream blocks, ROLLBACK TO
 * SAVEPOINT inside a streamed transaction (nested too, and one that rolls back everything), a
 * streamed transaction that aborts, and inserts, updates and deletes.
 */
public final class InterleavedTransactions {
  private InterleavedTransactions() {}

  /** Runs the workload on {@code table} (id integer PRIMARY KEY, v text, n integer), empty before. */
  public static void run(PostgresServer server, String table) throws SQLException {
    try (Connection a = server.connect(); Connection b = server.connect(); Connection c = server.connect()) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      c.setAutoCommit(false);
      run(a, "INSERT INTO %s (id, v, n) SELECT g, 'a' || g, 0 FROM generate_series(1, 3000) g", table);
      run(b, "INSERT INTO %s (id, v, n) SELECT g, 'b' || g, 0 FROM generate_series(100001, 103000) g", table);
      run(c, "INSERT INTO %s (id, v, n) SELECT g, 'c' || g, 0 FROM generate_series(200001, 200010) g", table);
      c.commit(); // whole, between the stream blocks of a and b

      run(a, "SAVEPOINT s1", table);
      run(a, "INSERT INTO %s (id, v, n) SELECT g, 'rolled back', 0 FROM generate_series(10001, 13000) g", table);
      run(a, "ROLLBACK TO SAVEPOINT s1", table);
      run(a, "SAVEPOINT p", table);
      run(a, "SAVEPOINT q", table);
      run(a, "INSERT INTO %s (id, v, n) SELECT g, 'nested, rolled back', 0 FROM generate_series(20001, 22000) g", table);
      run(a, "RELEASE SAVEPOINT q", table);
      run(a, "INSERT INTO %s (id, v, n) SELECT g, 'outer, rolled back', 0 FROM generate_series(22001, 24000) g", table);
      run(a, "ROLLBACK TO SAVEPOINT p", table);
      run(a, "SAVEPOINT kept", table);
      run(a, "INSERT INTO %s (id, v, n) SELECT g, 'kept', 0 FROM generate_series(30001, 31000) g", table);
      run(a, "RELEASE SAVEPOINT kept", table);

      run(b, "UPDATE %s SET v = v || '+', n = n + 1 WHERE id BETWEEN 100001 AND 103000", table);
      run(c, "UPDATE %s SET n = 7 WHERE id BETWEEN 200001 AND 200010", table);
      run(c, "INSERT INTO %s (id, v, n) SELECT g, 'c' || g, 0 FROM generate_series(300001, 303000) g", table);
      c.commit(); // streamed, commits before a and b

      run(a, "DELETE FROM %s WHERE id <= 1000", table);
      run(a, "UPDATE %s SET v = 'a2', n = n + 2 WHERE id BETWEEN 1001 AND 2000", table);
      run(a, "UPDATE %s SET n = 1 WHERE id BETWEEN 200001 AND 200005", table);
      a.commit();
      b.rollback(); // streamed, then aborted

      run(c, "SAVEPOINT everything", table);
      run(c, "INSERT INTO %s (id, v, n) SELECT g, 'all rolled back', 0 FROM generate_series(400001, 403000) g", table);
      run(c, "ROLLBACK TO SAVEPOINT everything", table);
      run(c, "INSERT INTO %s (id, v, n) VALUES (500000, 'last', 0)", table);
      c.commit();
    }
  }

  private static void run(Connection c, String sql, String table) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql.formatted(table));
    }
  }
}
