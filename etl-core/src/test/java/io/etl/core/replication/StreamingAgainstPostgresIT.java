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
import io.etl.core.testing.InterleavedTransactions;
import io.etl.core.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
 * same changes at the same positions, and those must rebuild the source table, for the
 * {@link InterleavedTransactions} workload.
 */
class StreamingAgainstPostgresIT {
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
    InterleavedTransactions.run(server, "items");
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

  @Test
  void aLongReplayKeepsTheServerFromTimingTheStreamOut() throws Exception {
    server.setConfig("wal_sender_timeout", "2s");
    server.executeIn("postgres",
        "CREATE TABLE slow (id integer PRIMARY KEY, v text NOT NULL)",
        "CREATE PUBLICATION slow_pub FOR TABLE slow");
    try (Connection c = server.connect()) {
      ReplicationSlots.create(c, "slow_replay");
    }
    server.execute("INSERT INTO slow SELECT g, repeat('s', 50) FROM generate_series(1, 3000) g");
    PostgresConnector connector = new PostgresConnector(
        server.connectionConfig("postgres", "UNUSED"), PostgresServer.PASSWORD, "streaming-test");
    int inserts = 0;
    Lsn end = null;
    long replayStarted = 0;
    long replayTook = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    try (SlotReader reader = new SlotReader(connector.openReplication(), "slow_replay", Lsn.ZERO, "slow_pub",
        EtlMetrics.noop(), new ReplicationConfig(true, spoolRoot.toString()))) {
      while (System.nanoTime() < deadline) {
        Event event = reader.poll();
        if (event == null) {
          Thread.sleep(5);
        } else if (event instanceof InsertEvent) {
          replayStarted = replayStarted == 0 ? System.nanoTime() : replayStarted;
          inserts++;
          Thread.sleep(2); // a slow destination: the replay outlasts wal_sender_timeout several times
        } else if (event instanceof CommitEvent) {
          replayTook = System.nanoTime() - replayStarted;
          // the server must still be there to send what happens after the replay
          try (Connection c = server.connect()) {
            end = ReplicationSlots.emitMessage(c, END_MARKER);
          }
        } else if (end != null && event instanceof MessageEvent m && m.prefix().equals(END_MARKER)
            && !m.lsn().isBefore(end)) {
          break;
        }
      }
    }
    assertTrue(end != null, "the transaction committed");
    assertEquals(3000, inserts);
    assertTrue(replayTook > TimeUnit.SECONDS.toNanos(4), "the replay took longer than the timeout: " + replayTook);
    assertTrue(Long.parseLong(slotStat("slow_replay", "stream_txns")) >= 1, "the transaction was streamed");
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
