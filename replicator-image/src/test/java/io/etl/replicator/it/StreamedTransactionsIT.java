package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.InterleavedTransactions;
import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions the source streams before they commit (logical_decoding_work_mem at its 64kB
 * minimum makes even modest ones stream), end to end into the PostgreSQL destination with small
 * batches, so that batches end inside streamed transactions: interleaved, aborted and partly
 * rolled back ones ({@link InterleavedTransactions}); then a SIGKILL while a committed streamed
 * transaction is being replayed into the destination, after which the server streams it again
 * and the destination skips what it already holds.
 */
class StreamedTransactionsIT {
  private static final String PIPELINE = "streamed";
  private static final int BULK_ROWS = 200_000;
  private static final List<String> TABLES = List.of("public.items", "public.bulk");
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    source.setConfig("logical_decoding_work_mem", "64kB");
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE items (id integer PRIMARY KEY, v text NOT NULL, n integer NOT NULL)",
        "CREATE TABLE bulk (id bigint PRIMARY KEY, payload text NOT NULL)",
        "CREATE PUBLICATION streamed_pub FOR TABLE items, bulk");
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
  void streamedTransactionsArriveExactlyAlsoAfterAKillDuringTheirReplay() throws Exception {
    Path config = ReplicatorProcess.writeConfig(Path.of("target", "it-config"),
        TestPipelineConfig.postgresToPostgres(PIPELINE, "streamed_pub", source, destination)
        .overrides("""
            batch:
              maxEvents: 500
              maxFillMs: 100
            replication:
              spoolDirectory: %s
            """.formatted(Path.of("target", "spool-" + PIPELINE).toAbsolutePath())).yaml());
    Path log = ReplicatorProcess.logFile(PIPELINE);
    SourceProgress progress = new SourceProgress(source, PIPELINE);

    try (ReplicatorProcess replicator = ReplicatorProcess.start(config, TestPipelineConfig.PASSWORDS, log)) {
      waitUntil(() -> progress.allStreaming(2), replicator);
      InterleavedTransactions.run(source, "items");
      String afterWorkload = progress.currentLsn();
      Convergence.assertConverges(source, destination, TABLES, () -> progress.confirmedPast(afterWorkload),
          Duration.ofMinutes(5));

      source.execute("INSERT INTO bulk SELECT g, repeat('y', 100) || g FROM generate_series(1, " + BULK_ROWS + ") g");
      waitUntil(() -> bulkRowsAtDestination() > 0, replicator);
      long partial = bulkRowsAtDestination();
      replicator.kill();
      assertTrue(partial > 0 && partial < BULK_ROWS, "killed while the replay was under way: " + partial + " rows applied");
    }

    try (ReplicatorProcess replicator = ReplicatorProcess.start(config, TestPipelineConfig.PASSWORDS, log)) {
      String afterBulk = progress.currentLsn();
      Convergence.assertConverges(source, destination, TABLES, () -> progress.confirmedPast(afterBulk),
          Duration.ofMinutes(5));
      assertTrue(progress.streamedTransactions() >= 4,
          "the server streamed transactions: stream_txns = " + progress.streamedTransactions());
      assertEquals(0, replicator.terminate(), "exit code after SIGTERM\n" + replicator.logText());
    }
  }

  private static long bulkRowsAtDestination() {
    return Long.parseLong(destination.queryOne("postgres", "SELECT count(*) FROM bulk"));
  }

  private static void waitUntil(BooleanSupplier condition, ReplicatorProcess replicator) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!safely(condition)) {
      if (!replicator.process().isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting; the replicator's log:\n" + replicator.logText());
      }
      Thread.sleep(20);
    }
  }

  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (IllegalStateException notThereYet) {
      return false;
    }
  }
}
