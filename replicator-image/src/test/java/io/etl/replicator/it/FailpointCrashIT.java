package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * For every failpoint: the replicator, a real child process, halts there (like a SIGKILL, at
 * that exact place) while a writer changes the source; a second run without the failpoint
 * converges, and the destination equals the source with no row twice. Each failpoint gets its
 * own pipeline and its own destination database, starting from scratch.
 */
class FailpointCrashIT {
  private static final int BIG_ROWS = 60_000;
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    SourceFixture.create(source, BIG_ROWS);
  }

  @AfterAll
  static void stopServers() {
    if (source != null) {
      source.close();
    }
    if (destination != null) {
      destination.close();
    }
  }

  /** Which hit of the point crashes: late enough that work is under way, early enough to come. */
  private static int crashingHit(Failpoint point) {
    return switch (point) {
      case COPY_AFTER_BATCH -> 8;
      case APPLY_BEFORE_WRITE, APPLY_AFTER_WRITE -> 6;
      case STATE_BEFORE_UPDATE -> 7;
      case SLOT_BEFORE_CREATE -> 1; // the first start creates the slot
      case SYNC_HAND_OVER -> 3;
    };
  }

  @ParameterizedTest
  @EnumSource(Failpoint.class)
  void crashAtFailpointLosesAndDuplicatesNothing(Failpoint point) throws Exception {
    String pipeline = "fp_" + point.name().toLowerCase(Locale.ROOT);
    destination.execute("CREATE DATABASE " + pipeline);
    Path config = config(pipeline);
    Map<String, String> env = TestPipelineConfig.PASSWORDS;
    Path log = ReplicatorProcess.logFile("failpoint-" + point.label());
    String armed = "-D" + Failpoints.PROPERTY + "=" + point.label() + "@" + crashingHit(point);

    SourceWriter writer = new SourceWriter(source, BIG_ROWS, point.ordinal());
    Thread writerThread = new Thread(writer, "source-writer");
    writerThread.start();
    try (ReplicatorProcess crashing = ReplicatorProcess.start(config, env, log, armed)) {
      boolean exited = crashing.process().waitFor(5, TimeUnit.MINUTES);
      assertTrue(exited, "the replicator reached failpoint " + point.label() + "\n" + crashing.logText());
      assertEquals(Failpoints.EXIT_CODE, crashing.process().exitValue(), crashing.logText());
      assertTrue(crashing.logText().contains("failpoint " + point.label() + " reached"), crashing.logText());
    }
    try (ReplicatorProcess replicator = ReplicatorProcess.start(config, env, log)) {
      // keep writing while the restarted pipeline recovers, then let it drain
      awaitAllStreaming(pipeline, replicator);
      writer.stopAndJoin(writerThread);
      assertNull(writer.failure(), "the source writer ran");
      Convergence.assertConverges(source, destination, pipeline, SourceFixture.TABLES, () -> allStreaming(pipeline),
          Duration.ofMinutes(5));
      assertEquals(0, replicator.terminate(), "exit code after SIGTERM\n" + replicator.logText());
    } finally {
      if (writerThread.isAlive()) {
        writer.stopAndJoin(writerThread);
      }
    }
    assertEquals("0", destination.queryOne(pipeline, "SELECT count(*) - count(DISTINCT id) FROM big"));
    assertEquals(
        source.queryOne("postgres", "SELECT count(*) FROM audit_log WHERE actor = 'dup'"),
        destination.queryOne(pipeline, "SELECT count(*) FROM audit_log WHERE actor = 'dup'"),
        "rows without a primary key are neither lost nor duplicated");
  }

  /**
   * The apply slot of a pipeline that streams is lost (dropped by hand, or a fail-over without slot
   * synchronisation) while the source keeps changing; the replicator must copy every table again.
   * It crashes right before it creates the new slot: the restart must still copy everything, so
   * the reset of the tables has to be durable before the slot exists.
   */
  @Test
  void crashBetweenTheResetForALostSlotAndTheNewSlotLosesNothing() throws Exception {
    String pipeline = "fp_lost_slot";
    destination.execute("CREATE DATABASE " + pipeline);
    Path config = config(pipeline);
    Map<String, String> env = TestPipelineConfig.PASSWORDS;
    Path log = ReplicatorProcess.logFile("failpoint-lost-slot");
    try (ReplicatorProcess first = ReplicatorProcess.start(config, env, log)) {
      awaitAllStreaming(pipeline, first);
      Convergence.assertConverges(source, destination, pipeline, SourceFixture.TABLES, () -> allStreaming(pipeline),
          Duration.ofMinutes(5));
      assertEquals(0, first.terminate(), first.logText());
    }
    source.execute("SELECT pg_drop_replication_slot('etl_" + pipeline + "_apply')");
    source.executeIn("postgres",
        "INSERT INTO customers (name, email, balance) SELECT 'gap ' || g, 'gap' || g || '@example.com', 1"
            + " FROM generate_series(1, 300) g",
        "UPDATE big SET label = 'changed while no slot existed' WHERE id <= 100",
        "DELETE FROM audit_log WHERE actor = 'user7'");
    String armed = "-D" + Failpoints.PROPERTY + "=" + Failpoint.SLOT_BEFORE_CREATE.label() + "@1";
    try (ReplicatorProcess crashing = ReplicatorProcess.start(config, env, log, armed)) {
      assertTrue(crashing.process().waitFor(5, TimeUnit.MINUTES), crashing.logText());
      assertEquals(Failpoints.EXIT_CODE, crashing.process().exitValue(), crashing.logText());
    }
    try (ReplicatorProcess replicator = ReplicatorProcess.start(config, env, log)) {
      awaitAllStreaming(pipeline, replicator);
      Convergence.assertConverges(source, destination, pipeline, SourceFixture.TABLES, () -> allStreaming(pipeline),
          Duration.ofMinutes(3));
      assertEquals(0, replicator.terminate(), replicator.logText());
    }
  }

  private static Path config(String pipeline) throws java.io.IOException {
    return ReplicatorProcess.writeConfig(Path.of("target", "it-config"),
        TestPipelineConfig.postgresToPostgres(pipeline, SourceFixture.PUBLICATION, source, destination, pipeline)
        .overrides("""
            batch:
              maxEvents: 500
              maxFillMs: 50
            tableSync:
              maxWorkers: 2
              rangesPerTable: 2
              parallelMinPages: 128
              rowsPerWrite: 1000
            """).yaml());
  }

  private static boolean allStreaming(String pipeline) {
    try {
      List<String> phases = source.query("postgres",
              "SELECT phase FROM etl.table_states WHERE pipeline_id = '" + pipeline + "'")
          .stream().map(r -> r.get(0)).toList();
      return phases.size() == SourceFixture.TABLES.size()
          && phases.stream().allMatch(p -> p.equals("ready") || p.equals("sync_done"));
    } catch (IllegalStateException schemaNotCreatedYet) {
      return false;
    }
  }

  private static void awaitAllStreaming(String pipeline, ReplicatorProcess replicator) throws Exception {
    for (int i = 0; i < 3000 && !allStreaming(pipeline); i++) {
      if (!replicator.process().isAlive()) {
        throw new AssertionError("the replicator exited early:\n" + replicator.logText());
      }
      Thread.sleep(100);
    }
  }
}
