package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A pipeline pointed at a database that already holds a table of a published table's name: that
 * table errors with the fix, the user's table keeps every row, the other tables replicate.
 */
class UserTablesInTheDestinationIT {
  private PostgresServer source;
  private PostgresServer destination;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE orders (id int PRIMARY KEY, total numeric)", "INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g",
        "CREATE TABLE items (id int PRIMARY KEY, name text)", "INSERT INTO items SELECT g, 'i' || g FROM generate_series(1, 100) g",
        "CREATE PUBLICATION pub FOR TABLE orders, items");
    destination.executeIn("postgres",
        "CREATE TABLE orders (order_no bigint PRIMARY KEY, customer text, note text)",
        "INSERT INTO orders SELECT g, 'customer ' || g, 'the user''s own' FROM generate_series(1, 40) g");
  }

  @AfterEach
  void stop() {
    source.close();
    destination.close();
  }

  @Test
  void aUserTableOfAPublishedNameErrorsThatTableAndIsLeftAsItWas() throws Exception {
    String before = destination.contentFingerprint("postgres", "orders");
    try (InProcessReplicator replicator = InProcessReplicator.start(
        TestPipelineConfig.postgresToPostgres("owners", "pub", source, destination)
        .write(dir.resolve("owners.yaml")), TestPipelineConfig.PASSWORDS)) {
      await(() -> state(replicator, "public.orders").equals("errored") && state(replicator, "public.items").equals("ready"),
          "orders errored, items streaming");
      RuntimeStatus.TableStatus orders = table(replicator, "public.orders");
      assertTrue(orders.reason().contains("destination table public.orders (for source table public.orders) already exists"
          + " and was not created by this pipeline"), orders.reason());
      assertTrue(orders.solution().contains("drop or rename that table in the destination"), orders.solution());

      source.execute("INSERT INTO items VALUES (101, 'new')");
      await(() -> destination.queryOne("postgres", "SELECT count(*) FROM items").equals("101"), "items streams on");
      assertEquals(0, replicator.stop(), replicator.err());
    }
    assertEquals(before, destination.contentFingerprint("postgres", "orders"), "the user's table, rows and all");
    assertEquals(List.of(List.of("order_no"), List.of("customer"), List.of("note")), destination.query("postgres",
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position"));
  }

  private static String state(InProcessReplicator replicator, String name) {
    RuntimeStatus.TableStatus table = table(replicator, name);
    return table == null ? "" : table.state();
  }

  private static RuntimeStatus.TableStatus table(InProcessReplicator replicator, String name) {
    return replicator.status().tables().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }
}
