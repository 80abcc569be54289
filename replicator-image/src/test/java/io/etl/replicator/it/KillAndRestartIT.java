package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crash-safety acceptance point: the replicator runs as a real child process and is killed
 * with SIGKILL at random moments, first while tables are being copied, then while streaming;
 * a writer changes the source throughout. Afterwards the destination equals the source and has
 * no duplicate rows.
 */
class KillAndRestartIT {
  private static final int BIG_ROWS = 300_000;
  private static final int KILLS_DURING_COPY = 4;
  private static final int KILLS_DURING_STREAMING = 8;
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

  @Test
  void sigkillDuringCopyAndStreamingLosesAndDuplicatesNothing() throws Exception {
    Path config = ReplicatorProcess.writeConfig(Path.of("target", "it-config"),
        TestPipelineConfig.postgresToPostgres("kill_test", SourceFixture.PUBLICATION, source, destination)
        .overrides("""
            batch:
              maxEvents: 2000
              maxFillMs: 100
            tableSync:
              maxWorkers: 2
              rangesPerTable: 2
              parallelMinPages: 256
              rowsPerWrite: 2000
            """).yaml());
    Map<String, String> env = TestPipelineConfig.PASSWORDS;
    Path log = ReplicatorProcess.logFile("kill-test");
    Random random = new Random(7);

    SourceWriter writer = new SourceWriter(source, BIG_ROWS, 11);
    Thread writerThread = new Thread(writer, "source-writer");
    writerThread.start();
    int killsDuringCopy = 0;
    int killsDuringStreaming = 0;
    for (int cycle = 0; cycle < KILLS_DURING_COPY + KILLS_DURING_STREAMING; cycle++) {
      try (ReplicatorProcess replicator = ReplicatorProcess.start(config, env, log)) {
        if (cycle < KILLS_DURING_COPY) {
          // wait until a copy is under way, then kill somewhere inside it
          waitUntil(() -> phases().contains("data_sync") || allStreaming(), replicator);
          Thread.sleep(random.nextInt(1500));
        } else {
          waitUntil(KillAndRestartIT::allStreaming, replicator);
          Thread.sleep(200 + random.nextInt(2500));
        }
        if (phases().contains("data_sync")) {
          killsDuringCopy++;
        } else if (allStreaming()) {
          killsDuringStreaming++;
        }
        replicator.kill();
      }
    }
    writer.stopAndJoin(writerThread);
    assertNull(writer.failure(), "the source writer ran");

    try (ReplicatorProcess replicator = ReplicatorProcess.start(config, env, log)) {
      Convergence.assertConverges(source, destination, SourceFixture.TABLES, KillAndRestartIT::allStreaming,
          Duration.ofMinutes(5));
      assertEquals(0, replicator.terminate(), "exit code after SIGTERM\n" + replicator.logText());
    }
    assertTrue(killsDuringCopy >= 2, "kills that hit a copy: " + killsDuringCopy);
    assertTrue(killsDuringStreaming >= 5, "kills that hit streaming: " + killsDuringStreaming);
    assertEquals("0", destination.queryOne("postgres", "SELECT count(*) - count(DISTINCT id) FROM big"));
    assertEquals(
        source.queryOne("postgres", "SELECT count(*) FROM audit_log WHERE actor = 'dup'"),
        destination.queryOne("postgres", "SELECT count(*) FROM audit_log WHERE actor = 'dup'"),
        "rows without a primary key are neither lost nor duplicated");
  }

  private static List<String> phases() {
    return source.query("postgres", "SELECT phase FROM etl.table_states WHERE pipeline_id = 'kill_test'")
        .stream().map(r -> r.get(0)).toList();
  }

  private static boolean allStreaming() {
    try {
      List<String> phases = phases();
      return phases.size() == 5 && phases.stream().allMatch(p -> p.equals("ready") || p.equals("sync_done"));
    } catch (IllegalStateException schemaNotCreatedYet) {
      return false;
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, ReplicatorProcess replicator)
      throws Exception {
    for (int i = 0; i < 1200 && !safely(condition); i++) {
      if (!replicator.process().isAlive()) {
        throw new AssertionError("the replicator exited early:\n" + replicator.logText());
      }
      Thread.sleep(50);
    }
  }

  private static boolean safely(java.util.function.BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
