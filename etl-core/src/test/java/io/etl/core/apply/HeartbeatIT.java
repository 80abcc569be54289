package io.etl.core.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.HeartbeatConfig;
import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.config.SecretRef;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.source.PostgresConnector;
import io.etl.core.testing.Eventually;
import io.etl.core.testing.PostgresServer;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The heartbeat against a real server: what it writes, when it holds back, and that failures do not stop it. */
class HeartbeatIT {
  private static final HeartbeatConfig EVERY_100_MS = new HeartbeatConfig(100L);
  private static PostgresServer server;

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
    server.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION hb_pub FOR TABLE t");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void writesLogicalMessagesThatALogicalSlotDecodes() throws Exception {
    server.execute("SELECT pg_create_logical_replication_slot('hb_probe', 'pgoutput')");
    EtlMetrics metrics = EtlMetrics.noop();
    try (Heartbeat heartbeat = Heartbeat.start(EVERY_100_MS, connector(server.port()), () -> true, metrics)) {
      Eventually.await("three heartbeats", () -> heartbeats(metrics) >= 3);
    }
    // a non-transactional message is decoded once the WAL writer has flushed it
    Eventually.await("three heartbeats decoded from the slot", () -> decodedHeartbeats("hb_probe") >= 3);
    server.execute("SELECT pg_drop_replication_slot('hb_probe')");
  }

  @Test
  void writesNothingWhileTheApplyWorkerHasWorkInFlight() throws Exception {
    EtlMetrics metrics = EtlMetrics.noop();
    AtomicInteger asked = new AtomicInteger();
    try (Heartbeat heartbeat = Heartbeat.start(EVERY_100_MS, connector(server.port()), () -> {
      asked.incrementAndGet();
      return false;
    }, metrics)) {
      Eventually.await("three beats", () -> asked.get() >= 3);
    }
    assertEquals(0.0, heartbeats(metrics));
  }

  @Test
  void keepsBeatingAfterTheSourceRefusesConnections() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    EtlMetrics metrics = EtlMetrics.noop();
    try (Heartbeat heartbeat = Heartbeat.start(EVERY_100_MS, connector(closedPort), () -> true, metrics)) {
      Eventually.await("three failed heartbeats", () -> failures(metrics) >= 3);
    }
    assertEquals(0.0, heartbeats(metrics));
  }

  @Test
  void zeroIntervalStartsNothing() {
    AtomicInteger asked = new AtomicInteger();
    Heartbeat.start(new HeartbeatConfig(0L), connector(server.port()), () -> asked.incrementAndGet() > 0, EtlMetrics.noop())
        .close();
    assertEquals(0, asked.get());
  }

  private static PostgresConnector connector(int port) {
    return new PostgresConnector(
        new PostgresConnectionConfig("localhost", port, "postgres", "postgres", new SecretRef("PW", null), "disable"),
        PostgresServer.PASSWORD, "heartbeat-test");
  }

  private static long decodedHeartbeats(String slot) {
    return Long.parseLong(server.queryOne("postgres",
        "SELECT count(*) FROM pg_logical_slot_peek_binary_changes('" + slot + "', NULL, NULL, 'proto_version', '1',"
            + " 'publication_names', 'hb_pub', 'messages', 'true')"
            + " WHERE position(convert_to('" + Heartbeat.MESSAGE_PREFIX + "', 'UTF8') IN data) > 0"));
  }

  private static double heartbeats(EtlMetrics metrics) {
    return metrics.registry().get("etl.heartbeats").counter().count();
  }

  private static double failures(EtlMetrics metrics) {
    var counter = metrics.registry().find("etl.errors").tag("category", "heartbeat_failed").counter();
    return counter == null ? 0 : counter.count();
  }

}
