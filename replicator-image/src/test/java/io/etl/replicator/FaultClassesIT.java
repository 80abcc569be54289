package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault classes: a fatal fault of one table errors that table (reason and fix in /status and
 * metrics) while the others stream on, and a retry request copies it again; retryable faults
 * (the source's and the destination's connections cut mid-copy and mid-stream) are recovered
 * from without help, losing nothing.
 */
class FaultClassesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private PostgresServer source;
  private PostgresServer destination;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
  }

  @AfterEach
  void stop() {
    source.close();
    destination.close();
  }

  @Test
  void aFatalFaultErrorsOneTableTheOthersGoOnAndARetryCopiesItAgain() throws Exception {
    source.executeIn("postgres",
        "CREATE TABLE good (id int PRIMARY KEY, v int)",
        "INSERT INTO good SELECT g, g FROM generate_series(1, 100) g",
        "CREATE TABLE bad (id int PRIMARY KEY, v int)",
        "INSERT INTO bad SELECT g, g FROM generate_series(1, 100) g",
        "CREATE PUBLICATION pub FOR TABLE good, bad");
    try (InProcessReplicator replicator = InProcessReplicator.start(config("fatal"), env())) {
      await(replicator::ready, "ready");
      awaitSame(List.of("good", "bad"));
      // the destination refuses what the source accepts: a fatal fault for this one table
      destination.execute("ALTER TABLE bad ADD CONSTRAINT small CHECK (v < 1000)");
      source.execute("INSERT INTO bad VALUES (1000, 5000)");
      source.execute("INSERT INTO good VALUES (1000, 5000)");
      await(() -> "errored".equals(table(replicator, "public.bad").path("state").asText()), "bad errored");
      JsonNode bad = table(replicator, "public.bad");
      assertTrue(bad.path("reason").asText().contains("23514"), bad.toString());
      assertTrue(bad.path("solution").asText().length() > 10, bad.toString());
      source.execute("UPDATE good SET v = -v WHERE id <= 10");
      awaitSame(List.of("good"));
      assertEquals("ready", table(replicator, "public.good").path("state").asText());
      await(() -> replicator.get("/metrics").body().contains("etl_tables{state=\"errored\"} 1.0"),
          "the errored table in metrics");

      assertEquals(409, replicator.adminPost("/tables/public.good/retry", null).statusCode());
      assertEquals(404, replicator.adminPost("/tables/public.nope/retry", null).statusCode());
      destination.execute("ALTER TABLE bad DROP CONSTRAINT small");
      assertEquals(202, replicator.adminPost("/tables/public.bad/retry", null).statusCode());
      awaitSame(List.of("good", "bad"));
      await(() -> "ready".equals(table(replicator, "public.bad").path("state").asText()), "bad ready again");
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  @Test
  void cutConnectionsMidCopyAndMidStreamAreRecoveredFrom() throws Exception {
    source.executeIn("postgres",
        "CREATE TABLE big (id bigint PRIMARY KEY, v text)",
        "INSERT INTO big SELECT g, repeat('x', 100) || g FROM generate_series(1, 300000) g",
        "CREATE TABLE small (id int PRIMARY KEY, v int)",
        "INSERT INTO small SELECT g, g FROM generate_series(1, 1000) g",
        "CREATE PUBLICATION pub FOR TABLE big, small");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      for (int i = 1; writing.get(); i++) {
        try {
          source.execute("BEGIN; UPDATE small SET v = v + 1 WHERE id = " + (1 + i % 1000)
              + "; INSERT INTO big VALUES (" + (1_000_000 + i) + ", 'w'); DELETE FROM big WHERE id = " + i + "; COMMIT");
        } catch (RuntimeException e) {
          // the test cuts connections on purpose
        }
      }
    }, "writer");
    writer.start();
    try (InProcessReplicator replicator = InProcessReplicator.start(config("cut"), env())) {
      await(() -> phases().contains("data_sync"), "a copy under way");
      cutReplicatorConnections(source, "source");
      cutReplicatorConnections(destination, "destination");
      await(replicator::ready, "ready after the cuts during the copy");
      cutReplicatorConnections(source, "source");
      cutReplicatorConnections(destination, "destination");
      await(() -> replicator.statusJson().contains("\"retries\""), "status served");
      writing.set(false);
      writer.join();
      awaitSame(List.of("big", "small"));
      JsonNode status = JSON.readTree(replicator.statusJson());
      assertTrue(status.path("retries").asLong() + retriesInMetrics(replicator) >= 1, status.toString());
      assertEquals(0, replicator.stop(), replicator.err());
    } finally {
      writing.set(false);
      writer.join();
    }
    assertEquals("0", destination.queryOne("postgres", "SELECT count(*) - count(DISTINCT id) FROM big"));
  }

  private static double retriesInMetrics(InProcessReplicator replicator) {
    return replicator.get("/metrics").body().lines()
        .filter(l -> l.startsWith("etl_retries_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Ends every session of the replicator on {@code server} (the test's own are left alone). */
  private static void cutReplicatorConnections(PostgresServer server, String side) {
    server.queryOne("postgres", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        + " WHERE application_name LIKE 'etl%' AND pid <> pg_backend_pid()");
  }

  private List<String> phases() {
    try {
      return source.query("postgres", "SELECT phase FROM etl.table_states").stream().map(r -> r.get(0)).toList();
    } catch (IllegalStateException notYet) {
      return List.of();
    }
  }

  private static JsonNode table(InProcessReplicator replicator, String name) {
    try {
      for (JsonNode t : JSON.readTree(replicator.statusJson()).path("tables")) {
        if (t.path("name").asText().equals(name)) {
          return t;
        }
      }
      return JSON.createObjectNode();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitSame(List<String> tables) throws InterruptedException {
    await(() -> tables.stream().allMatch(t ->
        source.contentFingerprint("postgres", t).equals(destination.contentFingerprint("postgres", t))),
        "destination equals source for " + tables);
  }

  private static Map<String, String> env() {
    return TestPipelineConfig.PASSWORDS;
  }

  private Path config(String id) throws Exception {
    return TestPipelineConfig.postgresToPostgres(id, "pub", source, destination)
        .overrides("""
        batch:
          maxFillMs: 50
        tableSync:
          rowsPerWrite: 2000
          parallelMinPages: 256
        retry:
          initialBackoffMs: 100
          maxBackoffMs: 1000
        """)
        .write(dir.resolve(id + ".yaml"));
  }
}
