package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline is its id and its source: pipelines that share an id never share positions, slots
 * or a running replicator.
 */
class PipelineIdentityIT {
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

  /**
   * Two sources, one destination database, the same pipeline id: the destination skips what it
   * holds a position for, so with positions keyed by the id alone the second source's changes,
   * at positions below the first one's, were skipped without a trace.
   */
  @Test
  void twoSourcesWithTheSamePipelineIdIntoOneDestinationBothArrive() throws Exception {
    try (PostgresServer second = PostgresServer.start()) {
      // the first source is far ahead in WAL, so its positions are above everything the second sends
      source.executeIn("postgres",
          "CREATE TABLE filler AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 200000) g",
          "CREATE TABLE t1 (id int PRIMARY KEY, note text)", "CREATE PUBLICATION pub FOR TABLE t1");
      second.executeIn("postgres", "CREATE TABLE t2 (id int PRIMARY KEY, note text)", "CREATE PUBLICATION pub FOR TABLE t2");
      Path first = TestPipelineConfig.postgresToPostgres("shared", "pub", source, destination)
        .write(Files.createDirectories(dir.resolve("a")).resolve("shared.yaml"));
      Path other = TestPipelineConfig.postgresToPostgres("shared", "pub", second, destination)
        .write(Files.createDirectories(dir.resolve("b")).resolve("shared.yaml"));
      try (InProcessReplicator a = InProcessReplicator.start(first, TestPipelineConfig.PASSWORDS);
          InProcessReplicator b = InProcessReplicator.start(other, TestPipelineConfig.PASSWORDS)) {
        await(() -> a.ready() && b.ready(), "both streaming");
        for (int i = 1; i <= 20; i++) {
          source.execute("INSERT INTO t1 VALUES (" + i + ", 'from the first source')");
          second.execute("INSERT INTO t2 VALUES (" + i + ", 'from the second source')");
        }
        await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t1").equals("20"), "t1 streamed");
        await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t2").equals("20"), "t2 streamed");
        assertEquals(second.contentFingerprint("postgres", "t2"), destination.contentFingerprint("postgres", "t2"));
        assertEquals(0, a.stop(), a.err());
        assertEquals(0, b.stop(), b.err());
      }
    }
  }

  @Test
  void aSecondReplicatorOfARunningPipelineWaitsAndSaysWhoHoldsIt() throws Exception {
    source.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
    Path config = TestPipelineConfig.postgresToPostgres("twice", "pub", source, destination)
        .overrides("""
        retry:
          initialBackoffMs: 100
          maxBackoffMs: 500
        """)
        .write(dir.resolve("twice.yaml"));
    try (InProcessReplicator first = InProcessReplicator.start(config, TestPipelineConfig.PASSWORDS)) {
      await(first::ready, "the first streams");
      try (InProcessReplicator second = InProcessReplicator.start(config, TestPipelineConfig.PASSWORDS)) {
        await(() -> second.status().lastError() != null, "the second reports why it does not run");
        RuntimeStatus.ErrorInfo error = second.status().lastError();
        assertEquals("pipeline_already_running", error.category(), error.toString());
        assertTrue(error.reason().contains("pipeline twice is already running against source database postgres"), error.reason());
        assertTrue(error.reason().contains("application etl-twice"), error.reason());
        assertEquals("retryable", error.kind());

        source.execute("INSERT INTO t SELECT generate_series(1, 50)");
        await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t").equals("50"), "the first streams on");
        assertEquals(0, first.stop(), first.err());
        // the lock is free once the first one's session ends: the second takes over
        await(second::ready, "the second streams once the first stopped");
        source.execute("INSERT INTO t SELECT generate_series(51, 60)");
        await(() -> destination.queryOne("postgres", "SELECT count(*) FROM t").equals("60"), "the second streams");
        assertEquals(0, second.stop(), second.err());
      }
    }
  }

  /** Slot names are unique per server, databases are not: the same id in two databases must not share a slot. */
  @Test
  void theSameIdInAnotherDatabaseOfTheServerIsRefusedInOneLine() throws Exception {
    source.execute("CREATE DATABASE other");
    source.executeIn("postgres", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
    source.executeIn("other", "CREATE TABLE t (id int PRIMARY KEY)", "CREATE PUBLICATION pub FOR TABLE t");
    Path config = TestPipelineConfig.postgresToPostgres("same", "pub", source, destination)
        .write(dir.resolve("same.yaml"));
    try (InProcessReplicator first = InProcessReplicator.start(config, TestPipelineConfig.PASSWORDS)) {
      await(first::ready, "the pipeline of database postgres streams");
      // the same pipeline id, the source's other database
      Path otherConfig = TestPipelineConfig.postgresToPostgres("same", "pub", source, destination)
          .with(b -> b.source(source.connectionConfig("other", TestPipelineConfig.SOURCE_PASSWORD_ENV)))
          .write(dir.resolve("other.yaml"));
      try (InProcessReplicator second = InProcessReplicator.start(otherConfig, TestPipelineConfig.PASSWORDS)) {
        await(() -> second.err().contains("etl: "), "the second one stops with its one line");
        assertEquals(3, second.stop(), second.err());
        assertTrue(second.err().contains("replication slot etl_same_apply on the source server belongs to database postgres,"
            + " not other"), second.err());
        assertTrue(second.err().contains("Fix: give this pipeline its own pipeline.id"), second.err());
      }
      assertEquals(0, first.stop(), first.err());
    }
  }
}
