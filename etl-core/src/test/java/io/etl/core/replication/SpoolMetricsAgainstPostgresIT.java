package io.etl.core.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.ReplicationConfig;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.source.PostgresConnector;
import io.etl.core.testing.PostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etl_spool_bytes} follows a real streamed transaction: non-zero while the server streams
 * it before its commit and the reader spools it, back to 0 once the commit replayed it, with
 * {@code etl_spool_max_bytes} the configured cap while the stream spools.
 */
class SpoolMetricsAgainstPostgresIT {
  private static final int ROWS = 5000;
  private static final long MAX_SPOOL_BYTES = 64L * 1024 * 1024;
  private static PostgresServer server;

  @TempDir static Path spoolRoot;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
    // the smallest work_mem: the server streams the transaction long before it commits
    server.setConfig("logical_decoding_work_mem", "64kB");
    server.executeIn("postgres",
        "CREATE TABLE spooled (id integer PRIMARY KEY, v text NOT NULL)",
        "CREATE PUBLICATION spooled_pub FOR TABLE spooled");
    try (Connection c = server.connect()) {
      ReplicationSlots.create(c, "spooled");
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void spoolBytesGaugeIsNonZeroWhileATransactionIsSpooledAndZeroAfterItsCommit() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    EtlMetrics metrics = new EtlMetrics(registry);
    PostgresConnector connector = new PostgresConnector(
        server.connectionConfig("postgres", "UNUSED"), PostgresServer.PASSWORD, "spool-metrics-test");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (SlotReader reader = new SlotReader(connector.openReplication(), "spooled", Lsn.ZERO, "spooled_pub",
            metrics, new ReplicationConfig(true, spoolRoot.toString(), MAX_SPOOL_BYTES));
        Connection writer = server.connect()) {
      assertTrue(reader.streamsInProgressTransactions());
      assertEquals(MAX_SPOOL_BYTES, gauge(registry, "etl.spool.max.bytes"));
      writer.setAutoCommit(false);
      try (Statement s = writer.createStatement()) {
        s.execute("INSERT INTO spooled SELECT g, repeat('v', 100) || g FROM generate_series(1, " + ROWS + ") g");
      }
      // The server decodes and streams the open transaction in 64 kB pieces while we read, so the
      // gauge grows piece by piece: wait (reading) until it holds at least the rows' text.
      while (gauge(registry, "etl.spool.bytes") <= ROWS * 100L) {
        Event early = reader.poll();
        assertTrue(!(early instanceof InsertEvent), "nothing of the uncommitted transaction is handed on: " + early);
        if (early == null) {
          Thread.sleep(5);
        }
        assertTrue(System.nanoTime() < deadline,
            "the server never streamed the open transaction; the spool holds " + gauge(registry, "etl.spool.bytes"));
      }
      long whileOpen = gauge(registry, "etl.spool.bytes");
      assertTrue(whileOpen > ROWS * 100L, "the spool holds the rows streamed so far: " + whileOpen);

      writer.commit();
      int inserts = 0;
      for (Event event = reader.poll(); !(event instanceof CommitEvent); event = reader.poll()) {
        if (event instanceof InsertEvent) {
          inserts++;
        } else if (event == null) {
          Thread.sleep(5);
        }
        assertTrue(System.nanoTime() < deadline, "no commit replayed after " + inserts + " inserts");
      }
      assertEquals(ROWS, inserts);
      assertEquals(0, gauge(registry, "etl.spool.bytes"), "the committed transaction left the spool");
      assertEquals(MAX_SPOOL_BYTES, gauge(registry, "etl.spool.max.bytes"));
    }
    assertEquals(0, gauge(registry, "etl.spool.max.bytes"), "no stream spools once the reader closed");
  }

  private static long gauge(MeterRegistry registry, String name) {
    return (long) registry.get(name).gauge().value();
  }
}
