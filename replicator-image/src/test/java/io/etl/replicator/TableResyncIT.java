package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.ResyncRequest;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config's resync list (the Pipeline's spec.resync): a destination table that drifted is
 * emptied and copied again at the next start, once per requestId, however often the replicator
 * starts with the same config afterwards.
 */
class TableResyncIT {
  private static final String PIPELINE = "resync";
  private PostgresServer source;
  private PostgresServer destination;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE t (id int PRIMARY KEY, note text)", "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 200) g",
        "CREATE TABLE other (id int PRIMARY KEY)", "INSERT INTO other SELECT generate_series(1, 5)",
        "CREATE PUBLICATION pub FOR TABLE t, other");
  }

  @AfterEach
  void stop() {
    source.close();
    destination.close();
  }

  @Test
  void aResyncRequestCopiesTheDriftedTableAgainOnceAndARestartWithTheSameRequestDoesNothing() throws Exception {
    runUntilAllReady(config(List.of()), () -> {});
    destination.execute("DELETE FROM t WHERE id <= 50");
    assertEquals("150", destination.queryOne("postgres", "SELECT count(*) FROM t"), "the destination drifted");

    Path withRequest = config(List.of(new ResyncRequest("public.t", "2026-12-02-t")));
    runUntilAllReady(withRequest, () -> {
      source.execute("INSERT INTO t VALUES (201, 'after the re-sync')");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t WHERE id = 201").equals("1"),
          "t streams again after its copy");
    });
    assertEquals(source.contentFingerprint("postgres", "t"), destination.contentFingerprint("postgres", "t"),
        "after the re-sync the destination holds what the source holds (count:hash:hash)");
    assertEquals("done", record("2026-12-02-t", "result"));
    assertNotNull(record("2026-12-02-t", "finished_at"));
    assertEquals("2", copies("t"), "t was copied twice: first sync and the re-sync");
    assertEquals("1", copies("other"), "a table the request does not name is left alone");
    String finishedAt = record("2026-12-02-t", "finished_at");

    // Argo CD re-applies the same manifest, the pod restarts: the request is not performed again
    destination.execute("DELETE FROM t WHERE id = 1");
    runUntilAllReady(withRequest, () -> {
      source.execute("INSERT INTO t VALUES (202, 'after the restart')");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t WHERE id = 202").equals("1"), "t streams on");
    });
    assertEquals("2", copies("t"), "no second copy for a recorded requestId");
    assertEquals("0", destination.queryOne("postgres", "SELECT count(*) FROM t WHERE id = 1"),
        "the row deleted in the destination since is still missing: the table was not copied again");
    assertEquals(String.valueOf(Long.parseLong(source.queryOne("postgres", "SELECT count(*) FROM t")) - 1),
        destination.queryOne("postgres", "SELECT count(*) FROM t"));
    assertEquals(finishedAt, record("2026-12-02-t", "finished_at"), "the record is unchanged");
    assertEquals("1", source.queryOne("postgres",
        "SELECT count(*) FROM etl.resync_requests WHERE pipeline_id = '" + PIPELINE + "'"));
  }

  @Test
  void aRequestForATableNotInThePublicationIsRecordedAsUnknownAndThePipelineRunsOn() throws Exception {
    Path config = config(List.of(new ResyncRequest("public.nope", "nope-1")));
    runUntilAllReady(config, () -> {
      source.execute("INSERT INTO t VALUES (201, 'streamed')");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t WHERE id = 201").equals("1"), "t streams");
    });
    assertEquals("unknown_table", record("nope-1", "result"));
    assertEquals("table public.nope is not in publication pub; add it to the publication or fix the name in resync"
        + " (schema.table)", record("nope-1", "detail"));
    assertNotNull(record("nope-1", "finished_at"));
    assertEquals("1", copies("t"), "the other tables are copied once, as without the request");
  }

  /** Starts the replicator, waits until every table is ready, runs {@code whileRunning}, stops it cleanly. */
  private void runUntilAllReady(Path config, ThrowingRunnable whileRunning) throws Exception {
    try (InProcessReplicator replicator = InProcessReplicator.start(config, TestPipelineConfig.PASSWORDS)) {
      await(() -> allReady(replicator), "every table ready");
      whileRunning.run();
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static boolean allReady(InProcessReplicator replicator) {
    if (!replicator.serving()) {
      return false;
    }
    List<RuntimeStatus.TableStatus> tables = replicator.status().tables();
    return tables.size() == 2 && tables.stream().allMatch(t -> t.state().equals("ready"));
  }

  /** How many copies of {@code table} the state store's history shows (each starts with data_sync). */
  private String copies(String table) {
    return source.queryOne("postgres", "SELECT count(*) FROM etl.table_state_history WHERE pipeline_id = '" + PIPELINE
        + "' AND table_oid = '" + table + "'::regclass AND phase = 'data_sync'");
  }

  private String record(String requestId, String column) {
    return source.queryOne("postgres", "SELECT " + column + " FROM etl.resync_requests WHERE pipeline_id = '" + PIPELINE
        + "' AND request_id = '" + requestId + "'");
  }

  private Path config(List<ResyncRequest> requests) {
    TestPipelineConfig config = TestPipelineConfig.postgresToPostgres(PIPELINE, "pub", source, destination)
        .with(b -> b.resync(requests));
    assertTrue(config.config().problems().isEmpty(), config.config().problems().toString());
    return config.write(dir.resolve(PIPELINE + "-" + requests.size() + ".yaml"));
  }
}
