package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Huge transactions with the replicator's heap capped at 256 MiB: one transaction of inserts,
 * then one updating every row, neither of which would fit in the heap if it were held whole.
 * With streaming (2,000,000 rows of some 100 bytes) the server sends them while they run and the
 * replicator spools them; without (200,000 rows of some 2,000 bytes, wide enough that the queue's
 * byte budget binds before its event count) the server sends each after its commit and the
 * bounded queue carries it. Either way the destination ends equal to the source, with no
 * OutOfMemoryError.
 */
class HugeTransactionIT {
  private static final int STREAMED_ROWS = 2_000_000;
  private static final int STREAMED_ROW_WIDTH = 100;
  private static final int WHOLE_ROWS = 200_000;
  private static final int WHOLE_ROW_WIDTH = 2_000;
  /** Generous: a correct replicator needs a fraction of this on two busy cores. */
  private static final Duration CONVERGENCE_LIMIT = Duration.ofMinutes(20);
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
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
  void twoMillionInsertsThenTwoMillionUpdatesStreamThroughA256MiBHeap() throws Exception {
    ReplicatorProcessReport report = replicateHugeTransactions("huge_streamed", true, STREAMED_ROWS, STREAMED_ROW_WIDTH);
    assertTrue(report.streamedTransactions() >= 2,
        "the server streamed both transactions: stream_txns = " + report.streamedTransactions());
    assertTrue(report.log().contains("streaming in-progress transactions (pgoutput protocol 2)"), report.log());
  }

  @Test
  void withoutStreamingTheBoundedQueueCarriesHugeTransactionsThroughA256MiBHeap() throws Exception {
    ReplicatorProcessReport report = replicateHugeTransactions("huge_whole", false, WHOLE_ROWS, WHOLE_ROW_WIDTH);
    assertEquals(0, report.streamedTransactions(), "replication.streaming: false asks for protocol 1");
    assertTrue(report.log().contains("replication.streaming is off"), report.log());
  }

  private record ReplicatorProcessReport(String log, long streamedTransactions) {}

  private static ReplicatorProcessReport replicateHugeTransactions(String name, boolean streaming, int rows,
      int rowWidth) throws Exception {
    String table = "public." + name;
    source.executeIn("postgres",
        "CREATE TABLE " + table + " (id bigint PRIMARY KEY, payload text NOT NULL, n integer NOT NULL)",
        "INSERT INTO " + table + " VALUES (0, 'seed', 0)",
        "CREATE PUBLICATION " + name + "_pub FOR TABLE " + table);
    Path spool = Path.of("target", "spool-" + name).toAbsolutePath();
    Path config = ReplicatorProcess.writeConfig(Path.of("target", "it-config"),
        TestPipelineConfig.postgresToPostgres(name, name + "_pub", source, destination)
        .overrides("""
            replication:
              streaming: %s
              spoolDirectory: %s
            """.formatted(streaming, spool)).yaml());
    Path log = ReplicatorProcess.logFile(name);
    Files.deleteIfExists(log);
    SourceProgress progress = new SourceProgress(source, name);
    List<String> tables = List.of(table);

    try (ReplicatorProcess replicator = ReplicatorProcess.start(config, TestPipelineConfig.PASSWORDS, log,
        "-Xmx256m", "-Xlog:gc:file=" + Path.of("target", "replicator-logs", name + "-gc.log"))) {
      waitUntil(() -> progress.allStreaming(1), replicator, Duration.ofMinutes(2));

      Stopwatch watch = new Stopwatch(name);
      source.execute("INSERT INTO " + table + " SELECT g, repeat('x', " + rowWidth + ") || g, 0 FROM generate_series(1, " + rows + ") g");
      watch.lap("source committed " + rows + " inserts");
      String afterInserts = progress.currentLsn();
      Convergence.assertConverges(source, destination, tables, caughtUp(progress, afterInserts, replicator),
          CONVERGENCE_LIMIT);
      watch.lap("destination equals source");

      source.execute("UPDATE " + table + " SET n = n + 1, payload = 'u' || payload");
      watch.lap("source committed " + rows + " updates");
      String afterUpdates = progress.currentLsn();
      Convergence.assertConverges(source, destination, tables, caughtUp(progress, afterUpdates, replicator),
          CONVERGENCE_LIMIT);
      watch.lap("destination equals source");

      String text = replicator.logText();
      assertTrue(replicator.process().isAlive(), "the replicator still runs\n" + text);
      assertFalse(text.contains("OutOfMemoryError"), "no OutOfMemoryError in the replicator's log\n" + text);
      System.out.println(name + ": replicator peak RSS " + peakRss(replicator.process().pid()));
      ReplicatorProcessReport report = new ReplicatorProcessReport(text, progress.streamedTransactions());
      assertEquals(0, replicator.terminate(), "exit code after SIGTERM\n" + replicator.logText());
      assertFalse(Files.exists(spool.resolve("etl_" + name + "_apply")), "the spool is removed on the way out");
      return report;
    }
  }

  /** Prints how long each step took, for whoever reads the test output; nothing asserts on it. */
  private static final class Stopwatch {
    private final String name;
    private long last = System.nanoTime();

    Stopwatch(String name) {
      this.name = name;
    }

    void lap(String what) {
      long now = System.nanoTime();
      System.out.printf("%s: %s after %.1f s%n", name, what, (now - last) / 1e9);
      last = now;
    }
  }

  /** Polled by the convergence check; fails fast if the replicator died. */
  private static BooleanSupplier caughtUp(SourceProgress progress, String lsn, ReplicatorProcess replicator) {
    return () -> {
      if (!replicator.process().isAlive()) {
        throw new AssertionError("the replicator exited:\n" + logOf(replicator));
      }
      return progress.confirmedPast(lsn);
    };
  }

  private static void waitUntil(BooleanSupplier condition, ReplicatorProcess replicator, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (!replicator.process().isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the replicator did not start streaming:\n" + logOf(replicator));
      }
      Thread.sleep(100);
    }
  }

  private static String logOf(ReplicatorProcess replicator) {
    try {
      return replicator.logText();
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** VmHWM of a Linux process: the most resident memory it ever had. */
  private static String peakRss(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(line -> line.startsWith("VmHWM:")).map(line -> line.substring(6).trim()).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
