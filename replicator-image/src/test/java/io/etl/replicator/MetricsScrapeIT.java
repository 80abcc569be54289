package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.ReplicationConfig;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.PrometheusText;
import io.etl.core.testing.TestPipelineConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes /metrics of a replicator that copied two tables, streamed changes and lived through a
 * dropped replication connection, and checks the figures against what happened.
 */
class MetricsScrapeIT {
  private static PostgresServer source;
  private static PostgresServer destination;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE a (id int PRIMARY KEY, note text)",
        "INSERT INTO a SELECT g, 'row ' || g FROM generate_series(1, 1000) g",
        "CREATE TABLE b (id int PRIMARY KEY)",
        "INSERT INTO b SELECT generate_series(1, 10)",
        "CREATE PUBLICATION pub FOR TABLE a, b");
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  @Test
  void metricsCountWhatThePipelineDid() throws Exception {
    Path config = TestPipelineConfig.postgresToPostgres("metrics", "pub", source, destination)
        .overrides("""
        retry:
          initialBackoffMs: 50
          maxBackoffMs: 500
        """)
        .write(dir.resolve("metrics.yaml"));
    Map<String, Double> metrics;
    try (InProcessReplicator replicator = InProcessReplicator.start(config, TestPipelineConfig.PASSWORDS)) {
      await(replicator::ready, "ready after the copy");
      for (int tx = 0; tx < 5; tx++) {
        source.execute("INSERT INTO a SELECT g, 'new' FROM generate_series(" + (1001 + tx * 100) + ", " + (1000 + (tx + 1) * 100) + ") g");
      }
      source.execute("UPDATE b SET id = id + 100 WHERE id <= 5");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM a").equals("1500"), "the inserts applied");

      // drop the replication connection: a retryable fault the pipeline must recover from
      source.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'etl_metrics_apply'");
      await(() -> scrape(replicator).getOrDefault("etl_retries_total", 0.0) >= 1, "a retry counted");
      await(replicator::ready, "ready again");
      source.execute("DELETE FROM a WHERE id > 1400");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM a").equals("1400"), "the delete applied");
      await(() -> scrape(replicator).getOrDefault("etl_replication_lag_bytes", -1.0) >= 0, "the lag measured");
      metrics = scrape(replicator);
      assertEquals(0, replicator.stop(), replicator.err());
    }

    assertEquals(1000.0, metrics.get("etl_rows_copied_total{table=\"public.a\"}"), metrics.toString());
    assertEquals(10.0, metrics.get("etl_rows_copied_total{table=\"public.b\"}"), metrics.toString());
    assertEquals(2.0, metrics.get("etl_tables{state=\"ready\"}") + metrics.get("etl_tables{state=\"sync_done\"}"), metrics.toString());
    assertEquals(0.0, metrics.get("etl_tables{state=\"errored\"}"), metrics.toString());
    // 500 inserts + 5 updates + 100 deletes at least; replays after the dropped connection may add
    assertTrue(metrics.get("etl_events_applied_total") >= 605, metrics.toString());
    assertTrue(metrics.get("etl_events_received_total") >= metrics.get("etl_events_applied_total"), metrics.toString());
    assertTrue(metrics.get("etl_bytes_received_total") > 605 * 10, metrics.toString());
    assertTrue(metrics.get("etl_batch_events_count") >= 1, metrics.toString());
    assertTrue(metrics.get("etl_batch_events_sum") >= 605, metrics.toString());
    assertTrue(metrics.containsKey("etl_batch_bytes_sum"), metrics.toString());
    assertTrue(metrics.get("etl_replication_lag_bytes") >= 0, metrics.toString());
    double retryableErrors = metrics.entrySet().stream()
        .filter(e -> e.getKey().startsWith("etl_errors_total{") && e.getKey().contains("kind=\"retryable\""))
        .mapToDouble(Map.Entry::getValue).sum();
    assertTrue(retryableErrors >= 1, metrics.toString());
    assertTrue(metrics.get("etl_retries_total") >= 1, metrics.toString());
    // the apply stream spools what the server streams before a commit; these transactions were too small
    assertEquals(0.0, metrics.get("etl_spool_bytes"), metrics.toString());
    assertEquals((double) ReplicationConfig.DEFAULT_MAX_SPOOL_BYTES, metrics.get("etl_spool_max_bytes"), metrics.toString());
  }

  static Map<String, Double> scrape(InProcessReplicator replicator) {
    HttpResponse<String> response = replicator.get("/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    return PrometheusText.parse(response.body());
  }
}
