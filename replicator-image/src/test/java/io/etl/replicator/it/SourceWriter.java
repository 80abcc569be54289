package io.etl.replicator.it;

import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes INSERTs, UPDATEs (including primary-key changes), DELETEs and an occasional TRUNCATE to
 * the fixture's tables in small transactions until stopped. Failures (e.g. the test cut the
 * connection) are retried on a new connection.
 */
final class SourceWriter implements Runnable {
  private final PostgresServer source;
  private final int bigRows;
  private final Random random;
  private final AtomicLong transactions = new AtomicLong();
  private volatile boolean running = true;
  private volatile Throwable failure;
  private long nextBigId;
  private int nextItemId;
  private int nextTypesId;

  SourceWriter(PostgresServer source, int bigRows, long seed) {
    this.source = source;
    this.bigRows = bigRows;
    this.random = new Random(seed);
    // continue after what earlier writers on the same source inserted
    this.nextBigId = Math.max(bigRows, Long.parseLong(source.queryOne("postgres", "SELECT coalesce(max(id), 0) FROM big"))) + 1;
    this.nextItemId = 1 + Math.max(999_999,
        Integer.parseInt(source.queryOne("postgres", "SELECT coalesce(max(\"Item Id\"), 0) FROM \"Sales\".\"Order Items\"")));
    this.nextTypesId = 1 + Math.max(99, Integer.parseInt(source.queryOne("postgres", "SELECT coalesce(max(id), 0) FROM all_types")));
  }

  long transactions() {
    return transactions.get();
  }

  Throwable failure() {
    return failure;
  }

  /** Stops after the current transaction and waits for it. */
  void stopAndJoin(Thread thread) throws InterruptedException {
    running = false;
    thread.join();
  }

  @Override
  public void run() {
    while (running) {
      try (Connection c = source.connect("postgres")) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          while (running) {
            writeOneTransaction(s);
            c.commit();
            transactions.incrementAndGet();
          }
        }
      } catch (SQLException e) {
        if (running && transactions.get() == 0) {
          failure = e;
          return;
        }
      }
    }
  }

  private void writeOneTransaction(Statement s) throws SQLException {
    long tx = transactions.get();
    for (int i = 0; i < 5; i++) {
      long id = 1 + random.nextInt(bigRows);
      switch (random.nextInt(4)) {
        case 0 -> s.execute("INSERT INTO big VALUES (" + nextBigId++ + ", 'new', 1, now())");
        case 1 -> s.execute("UPDATE big SET label = label || '+', n = n + 1 WHERE id = " + id);
        case 2 -> s.execute("DELETE FROM big WHERE id = " + id);
        default -> s.execute("UPDATE big SET at = NULL WHERE id = " + id);
      }
    }
    int customer = 1 + random.nextInt(20000);
    switch (random.nextInt(3)) {
      case 0 -> s.execute("INSERT INTO customers (name, email, balance) VALUES ('w', 'w' || gen_random_uuid() || '@x', 1.5)");
      case 1 -> s.execute("UPDATE customers SET balance = balance + 0.01, name = 'renamed' WHERE id = " + customer);
      default -> s.execute("DELETE FROM customers WHERE id = " + customer);
    }
    int item = 1 + random.nextInt(5000);
    switch (random.nextInt(3)) {
      case 0 -> s.execute("UPDATE \"Sales\".\"Order Items\" SET \"Item Id\" = " + nextItemId++
          + " WHERE \"Item Id\" = " + item);
      case 1 -> s.execute("UPDATE \"Sales\".\"Order Items\" SET \"Note Text\" = NULL, \"Unit Price\" = 0.01"
          + " WHERE \"Item Id\" = " + item);
      default -> s.execute("INSERT INTO \"Sales\".\"Order Items\" VALUES (" + nextItemId++ + ", 9.99, E'tab\\tand\\nnewline', NULL)");
    }
    switch (random.nextInt(4)) {
      case 0 -> s.execute("INSERT INTO audit_log VALUES ('writer', 'tx " + tx + "', now())");
      case 1 -> s.execute("DELETE FROM audit_log WHERE ctid = (SELECT ctid FROM audit_log WHERE actor = 'dup' LIMIT 1)");
      case 2 -> s.execute("UPDATE audit_log SET action = 'seen' WHERE ctid = (SELECT ctid FROM audit_log"
          + " WHERE actor = 'user" + random.nextInt(50) + "' LIMIT 1)");
      default -> s.execute("INSERT INTO audit_log VALUES ('dup', 'same', '2024-01-01 00:00:00+00')");
    }
    switch (random.nextInt(3)) {
      case 0 -> s.execute("INSERT INTO all_types SELECT " + nextTypesId++ + ", c_int2, c_int4, c_int8, c_numeric,"
          + " c_numeric_p, c_real, c_double, c_bool, c_text, c_varchar, c_char, c_bytea, c_date, c_time, c_timetz,"
          + " c_timestamp, c_timestamptz, c_interval, c_uuid, c_json, c_jsonb, c_mood, c_positive, c_inet, c_int4_arr,"
          + " c_text_arr, c_numeric_arr, c_mood_arr, c_ts_arr, c_bool_arr, c_uuid_arr FROM all_types WHERE id = "
          + (1 + random.nextInt(4)));
      case 1 -> s.execute("UPDATE all_types SET c_text = c_text || 'x', c_jsonb = '{\"u\": " + tx + "}',"
          + " c_mood_arr = '{ok,sad}' WHERE id = " + (1 + random.nextInt(4)));
      default -> s.execute("DELETE FROM all_types WHERE id >= 100 AND id < " + (100 + random.nextInt(10)));
    }
    if (tx > 0 && tx % 250 == 0) {
      s.execute("TRUNCATE audit_log");
      s.execute("INSERT INTO audit_log VALUES ('after truncate', 'x', now()), ('dup', 'same', '2024-01-01 00:00:00+00')");
    }
  }
}
