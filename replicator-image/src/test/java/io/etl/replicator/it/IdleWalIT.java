package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.HeartbeatConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.StateStoreConfig;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.schema.TableId;
import io.etl.core.testing.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published tables stay idle while the server writes a lot of WAL elsewhere (an unpublished
 * table, another database): the apply slot must not hold that WAL back, and heartbeats go on
 * meanwhile.
 *
 * <p>No variant with the heartbeat off: on the servers the tests run, the idle apply worker's
 * confirmation of keepalive positions alone bounds the WAL too, so such a test could not show
 * what the heartbeat adds (that it is written and decoded is {@code HeartbeatIT}'s part).
 */
class IdleWalIT {
  private static final long NOISE_BYTES = 200L * 1024 * 1024;
  private static final long BOUND_BYTES = 32L * 1024 * 1024;
  private static PostgresServer source;

  @BeforeAll
  static void startServer() {
    source = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE quiet (id int PRIMARY KEY, note text)",
        "INSERT INTO quiet SELECT g, 'row ' || g FROM generate_series(1, 100) g",
        "CREATE PUBLICATION idle_pub FOR TABLE quiet",
        "CREATE TABLE noise (id bigint, pad text)",
        "CREATE DATABASE other");
    source.executeIn("other", "CREATE TABLE noise (id bigint, pad text)");
  }

  @AfterAll
  static void stopServer() {
    if (source != null) {
      source.close();
    }
  }

  @Test
  void slotHoldsLittleOfTheWalWrittenElsewhereWhileItsTablesAreIdle() throws Exception {
    EtlMetrics metrics = new EtlMetrics(new SimpleMeterRegistry());
    MemoryDestination destination = new MemoryDestination();
    SlotWal slot = new SlotWal(source, "etl_idle_apply");
    try (RunningPipeline pipeline = RunningPipeline.start(config("idle", 200), destination, metrics)) {
      pipeline.awaitAllTablesStreaming();

      writeNoise(NOISE_BYTES);
      double heartbeatsBefore = heartbeats(metrics);

      Await.until(() -> {
        slot.logRunningTransactions();
        return slot.retainedBytes() < BOUND_BYTES && slot.unconfirmedBytes() < BOUND_BYTES;
      }, "the apply slot retains less than 32 MB of the 200 MB written elsewhere", Duration.ofMinutes(2));
      Await.until(() -> heartbeats(metrics) > heartbeatsBefore, "a heartbeat after the noise", Duration.ofMinutes(1));

      assertEquals(100, destination.rowCount(new TableId("public", "quiet")), "the quiet table was copied");
    }
  }

  /** Commits of about 20 MB each into unpublished tables, alternating between two databases. */
  private static void writeNoise(long bytes) {
    SlotWal wal = new SlotWal(source, "etl_idle_apply");
    long start = wal.currentLsn();
    int round = 0;
    while (wal.currentLsn() - start < bytes) {
      // rows stay under the TOAST threshold, so each one goes to WAL whole (about 1 KB)
      source.executeIn(round++ % 2 == 0 ? "postgres" : "other",
          "INSERT INTO noise SELECT g, repeat(md5(random()::text), 30) FROM generate_series(1, 20000) g");
    }
  }

  private static double heartbeats(EtlMetrics metrics) {
    return metrics.registry().get("etl.heartbeats").counter().count();
  }

  private PipelineConfig config(String id, long heartbeatMs) {
    return PipelineConfig.builder()
        .pipeline(id, "idle_pub")
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("memory", null))
        .stateStore(new StateStoreConfig("memory"))
        .heartbeat(new HeartbeatConfig(heartbeatMs))
        .build();
  }
}
