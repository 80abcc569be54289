package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.PrometheusText;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination table that drifted from the source (rows deleted there by hand): the UPDATEs and
 * DELETEs that then match no row are counted where users look, or error the table if asked.
 */
class UnmatchedChangesIT {
  private PostgresServer source;
  private PostgresServer destination;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE t (id int PRIMARY KEY, note text)", "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 100) g",
        "CREATE TABLE other (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t, other");
  }

  @AfterEach
  void stop() {
    source.close();
    destination.close();
  }

  @Test
  void changesThatMatchNoDestinationRowAreCountedInMetricsStatusAndTheStateStore() throws Exception {
    try (InProcessReplicator replicator = InProcessReplicator.start(config("count"), TestPipelineConfig.PASSWORDS)) {
      await(replicator::ready, "streaming");
      drift();
      await(() -> unmatched(replicator) == 10, "10 unmatched changes in /status");
      Map<String, Double> metrics = MetricsScrapeIT.scrape(replicator);
      assertEquals(10.0, metrics.get("etl_unmatched_changes_total{table=\"public.t\"}"), metrics.toString());
      assertEquals("10", source.queryOne("postgres",
          "SELECT unmatched_changes FROM etl.table_states WHERE pipeline_id = 'drift_count' AND table_oid = 't'::regclass"));
      assertEquals("ready", table(replicator).state(), "counting leaves the table streaming");
      source.execute("INSERT INTO t VALUES (101, 'after')");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t WHERE id = 101").equals("1"), "t streams on");
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  @Test
  void withUnmatchedChangesErrorTheTableErrorsAndTheOthersGoOn() throws Exception {
    try (InProcessReplicator replicator = InProcessReplicator.start(config("error"), TestPipelineConfig.PASSWORDS)) {
      await(replicator::ready, "streaming");
      drift();
      await(() -> table(replicator).state().equals("errored"), "t errored");
      RuntimeStatus.TableStatus t = table(replicator);
      assertTrue(t.reason().contains("UPDATE or DELETE changes of public.t matched no row in the destination"), t.reason());
      assertTrue(t.solution().contains("retry the table"), t.solution());
      source.execute("INSERT INTO other SELECT generate_series(1, 5)");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM other").equals("5"), "the other table goes on");
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  /** Rows 1 to 10 vanish from the destination; the source then updates 1 to 5 and deletes 6 to 10. */
  private void drift() {
    destination.execute("DELETE FROM t WHERE id <= 10");
    source.executeIn("postgres", "UPDATE t SET note = 'changed' WHERE id <= 5", "DELETE FROM t WHERE id BETWEEN 6 AND 10");
  }

  private Path config(String mode) throws Exception {
    TestPipelineConfig config = TestPipelineConfig.postgresToPostgres("drift_" + mode, "pub", source, destination)
        .overrides("destination:\n  unmatchedChanges: " + mode + "\n");
    assertEquals(mode, config.config().destination().unmatchedChanges());
    return config.write(dir.resolve("drift_" + mode + ".yaml"));
  }

  private static long unmatched(InProcessReplicator replicator) {
    RuntimeStatus.TableStatus t = table(replicator);
    return t == null ? 0 : t.unmatchedChanges();
  }

  private static RuntimeStatus.TableStatus table(InProcessReplicator replicator) {
    return replicator.status().tables().stream().filter(t -> t.name().equals("public.t")).findFirst().orElse(null);
  }
}
