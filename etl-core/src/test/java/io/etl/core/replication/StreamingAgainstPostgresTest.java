package io.etl.core.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.ReplicationConfig;
import io.etl.core.event.ChangeEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.MessageEvent;
import io.etl.core.event.UpdateEvent;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.source.PostgresConnector;
import io.etl.core.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server with the smallest logical_decoding_work_mem streams even modest transactions;
 * reading the same changes once streamed (protocol 2) and once whole (protocol 1) must give the
 * same changes at the same positions, and those must rebuild the source table: with interleaved
 * streamed transactions, whole ones committing between their blocks, ROLLBACK TO SAVEPOINT (nested
 * too) inside a streamed transaction, and a streamed transaction that aborts.
 */
class StreamingAgainstPostgresTest {
  private static final String STREAMED_SLOT = "streaming_v2";
  private static final String WHOLE_SLOT = "streaming_v1";
  private static final String END_MARKER = "streaming_test_end";
  private static PostgresServer server;

  @TempDir static Path spoolRoot;

  @BeforeAll
  static void startServer() throws SQLException {
    server = PostgresServer.start();
    server.setConfig("logical_decoding_work_mem", "64kB");
    server.executeIn("postgres",
        "CREATE TABLE items (id integer PRIMARY KEY, v text NOT NULL, n integer NOT NULL DEFAULT 0)",
        "CREATE PUBLICATION streaming_pub FOR TABLE items");
    try (Connection c = server.connect()) {
      ReplicationSlots.create(c, STREAMED_SLOT);
      ReplicationSlots.create(c, WHOLE_SLOT);
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void streamedTransactionsReplayToTheChangesProtocol1Delivers() throws Exception {
    runInterleavedWorkload();
    Lsn end;
    try (Connection c = server.connect()) {
      end = ReplicationSlots.emitMessage(c, END_MARKER);
    }

    List<String> streamed = changes(STREAMED_SLOT, true, end);
    List<String> whole = changes(WHOLE_SLOT, false, end);

    assertTrue(Long.parseLong(slotStat(STREAMED_SLOT, "stream_txns")) >= 4,
        "the server streamed the large transactions: " + slotStat(STREAMED_SLOT, "stream_txns"));
    assertEquals("0", slotStat(WHOLE_SLOT, "stream_txns"), "protocol 1 gets no streamed transactions");
    assertEquals(whole.size(), streamed.size());
    assertEquals(whole, streamed, "the same changes at the same positions");
    assertEquals(sourceRows(), rebuild(streamed), "the changes rebuild the source table");
    assertFalse(Files.exists(new ReplicationConfig(true, spoolRoot.toString()).spoolDirectoryFor(STREAMED_SLOT)),
        "the spool directory goes with the reader");
  }

  /**
   * Three sessions whose transactions interleave; each step is large enough (thousands of rows)
   * to be streamed before its transaction ends.
   */
  private static void runInterleavedWorkload() throws SQLException {
    try (Connection a = server.connect(); Connection b = server.connect(); Connection c = server.connect()) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      c.setAutoCommit(false);
      run(a, "INSERT INTO items (id, v) SELECT g, 'a' || g FROM generate_series(1, 3000) g");
      run(b, "INSERT INTO items (id, v) SELECT g, 'b' || g FROM generate_series(100001, 103000) g");
      run(c, "INSERT INTO items (id, v) SELECT g, 'c' || g FROM generate_series(200001, 200010) g");
      c.commit(); // whole, between the stream blocks of a and b

      run(a, "SAVEPOINT s1");
      run(a, "INSERT INTO items (id, v) SELECT g, 'rolled back' FROM generate_series(10001, 13000) g");
      run(a, "ROLLBACK TO SAVEPOINT s1");
      run(a, "SAVEPOINT p");
      run(a, "SAVEPOINT q");
      run(a, "INSERT INTO items (id, v) SELECT g, 'nested, rolled back' FROM generate_series(20001, 22000) g");
      run(a, "RELEASE SAVEPOINT q");
      run(a, "INSERT INTO items (id, v) SELECT g, 'outer, rolled back' FROM generate_series(22001, 24000) g");
      run(a, "ROLLBACK TO SAVEPOINT p");
      run(a, "SAVEPOINT kept");
      run(a, "INSERT INTO items (id, v) SELECT g, 'kept' FROM generate_series(30001, 31000) g");
      run(a, "RELEASE SAVEPOINT kept");

      run(b, "UPDATE items SET v = v || '+', n = n + 1 WHERE id BETWEEN 100001 AND 103000");
      run(c, "UPDATE items SET n = 7 WHERE id BETWEEN 200001 AND 200010");
      run(c, "INSERT INTO items (id, v) SELECT g, 'c' || g FROM generate_series(300001, 303000) g");
      c.commit(); // streamed, commits before a and b

      run(a, "DELETE FROM items WHERE id <= 1000");
      run(a, "UPDATE items SET v = 'a2', n = n + 2 WHERE id BETWEEN 1001 AND 2000");
      run(a, "UPDATE items SET n = 1 WHERE id BETWEEN 200001 AND 200005");
      a.commit();
      b.rollback(); // streamed, then aborted

      run(c, "SAVEPOINT sp_only");
      run(c, "INSERT INTO items (id, v) SELECT g, 'all rolled back' FROM generate_series(400001, 403000) g");
      run(c, "ROLLBACK TO SAVEPOINT sp_only");
      run(c, "INSERT INTO items (id, v) VALUES (500000, 'last')");
      c.commit();
    }
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Each change and each commit after changes, as text, up to the end marker. */
  private static List<String> changes(String slot, boolean streaming, Lsn end) throws Exception {
    PostgresConnector connector = new PostgresConnector(
        server.connectionConfig("postgres", "UNUSED"), PostgresServer.PASSWORD, "streaming-test");
    List<String> out = new ArrayList<>();
    boolean changed = false;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (SlotReader reader = new SlotReader(connector.openReplication(), slot, Lsn.ZERO, "streaming_pub",
        EtlMetrics.noop(), new ReplicationConfig(streaming, spoolRoot.toString()))) {
      assertEquals(streaming, reader.streamsInProgressTransactions());
      while (System.nanoTime() < deadline) {
        Event event = reader.poll();
        if (event == null) {
          Thread.sleep(5);
          continue;
        }
        if (event instanceof MessageEvent m && m.prefix().equals(END_MARKER) && !m.lsn().isBefore(end)) {
          return out;
        }
        if (event instanceof ChangeEvent change) {
          out.add(describe(change));
          changed = true;
        } else if (event instanceof CommitEvent commit && changed) {
          out.add("commit " + commit.commitLsn() + " " + commit.endLsn());
          changed = false;
        }
      }
    }
    throw new AssertionError("no end marker from slot " + slot + " after " + out.size() + " changes");
  }

  private static String describe(ChangeEvent change) {
    if (change instanceof InsertEvent i) {
      return change.position() + " I " + String.join(",", i.newRow().values());
    }
    if (change instanceof UpdateEvent u) {
      return change.position() + " U " + String.join(",", u.newRow().values());
    }
    if (change instanceof DeleteEvent d) {
      return change.position() + " D " + d.oldRow().get(0);
    }
    return change.position() + " " + change;
  }

  private static Map<Integer, String> rebuild(List<String> changes) {
    Map<Integer, String> rows = new TreeMap<>();
    for (String line : changes) {
      String[] parts = line.split(" ", 3);
      if (parts[0].equals("commit")) {
        continue;
      }
      switch (parts[1]) {
        case "I", "U" -> rows.put(Integer.parseInt(parts[2].substring(0, parts[2].indexOf(','))), parts[2]);
        case "D" -> rows.remove(Integer.parseInt(parts[2]));
        default -> throw new AssertionError(line);
      }
    }
    return rows;
  }

  private static Map<Integer, String> sourceRows() {
    Map<Integer, String> rows = new TreeMap<>();
    for (List<String> row : server.query("postgres", "SELECT id, v, n FROM items")) {
      rows.put(Integer.parseInt(row.get(0)), String.join(",", row));
    }
    return rows;
  }

  private static String slotStat(String slot, String column) {
    return server.queryOne("postgres",
        "SELECT " + column + " FROM pg_stat_replication_slots WHERE slot_name = '" + slot + "'");
  }
}
