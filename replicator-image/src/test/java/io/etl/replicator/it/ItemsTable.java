package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.testing.PostgresServer;
import java.time.Duration;

/**
 * A small published table, {@code items} (5,000 rows) in publication {@code items_pub}, for the
 * tests that start a replicator the way users do and check what it did.
 */
final class ItemsTable {
  static final String PUBLICATION = "items_pub";
  static final int COPIED = 5000;
  /** What {@link #assertCopiedThenStreams} changes: 300 inserts, 100 updates, 50 deletes. */
  static final int CHANGES = 450;

  private ItemsTable() {}

  static void create(PostgresServer source) {
    source.executeIn("postgres",
        "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2))",
        "INSERT INTO items SELECT g, 'item ' || g, g / 100.0 FROM generate_series(1, " + COPIED + ") g",
        "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE items");
  }

  /** The copy equals the source (count and content hash); then changes of each kind stream and it equals again. */
  static void assertCopiedThenStreams(PostgresServer source, PostgresServer destination) throws InterruptedException {
    assertEquals(source.contentFingerprint("postgres", "items"), destination.contentFingerprint("postgres", "items"),
        "copied: count and content hash");
    source.executeIn("postgres",
        "INSERT INTO items SELECT g, 'new ' || g, 1 FROM generate_series(5001, 5300) g",
        "UPDATE items SET price = price + 1 WHERE id <= 100",
        "DELETE FROM items WHERE id BETWEEN 4001 AND 4050");
    Await.until(() -> source.contentFingerprint("postgres", "items")
        .equals(destination.contentFingerprint("postgres", "items")), "the changes applied", Duration.ofMinutes(3));
  }
}
