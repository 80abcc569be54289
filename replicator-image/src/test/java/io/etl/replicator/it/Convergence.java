package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.testing.PostgresServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Waits for the destination to hold what the source holds, then asserts it table by table. */
final class Convergence {
  private Convergence() {}

  static Map<String, String> fingerprints(PostgresServer server, Iterable<String> tables) {
    return fingerprints(server, "postgres", tables);
  }

  static Map<String, String> fingerprints(PostgresServer server, String database, Iterable<String> tables) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String table : tables) {
      result.put(table, server.contentFingerprint(database, table));
    }
    return result;
  }

  /**
   * Polls until {@code ready} holds and every table's row count and content hash match, with a
   * generous safety limit (not a timing assertion: a correct pipeline converges far sooner),
   * then asserts equality so a failure shows the differing tables.
   */
  static void assertConverges(PostgresServer source, PostgresServer destination, Iterable<String> tables,
      BooleanSupplier ready, Duration limit) throws InterruptedException {
    assertConverges(source, destination, "postgres", tables, ready, limit);
  }

  /** As above, into {@code destinationDatabase} of the destination server. */
  static void assertConverges(PostgresServer source, PostgresServer destination, String destinationDatabase,
      Iterable<String> tables, BooleanSupplier ready, Duration limit) throws InterruptedException {
    Map<String, String> expected = fingerprints(source, tables);
    long deadline = System.nanoTime() + limit.toNanos();
    Map<String, String> actual = Map.of();
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        actual = fingerprints(destination, destinationDatabase, tables);
        if (actual.equals(expected)) {
          break;
        }
      }
      Thread.sleep(1000);
    }
    assertEquals(expected, actual, "destination content (count:hash:hash per table) equals the source");
  }
}
