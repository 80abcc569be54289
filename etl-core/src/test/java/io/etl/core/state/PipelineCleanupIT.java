package io.etl.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a pipeline drops its own slots and nobody else's. */
class PipelineCleanupIT {
  private static PostgresServer server;

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void dropsOnlyThePipelinesOwnSlotsNotThoseOfAPipelineWhoseIdExtendsIt() throws Exception {
    for (String slot : List.of("etl_orders_apply", "etl_orders_sync_16400",
        // pipeline orders_sync: its apply slot and a sync slot both start with "etl_orders_sync_"
        "etl_orders_sync_apply", "etl_orders_sync_sync_16401")) {
      server.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    }
    PipelineCleanup.Result result;
    try (Connection c = server.connect()) {
      result = PipelineCleanup.run(c, "orders");
    }
    assertEquals(List.of("etl_orders_apply", "etl_orders_sync_16400"), result.droppedSlots().stream().sorted().toList());
    assertEquals(List.of("etl_orders_sync_apply", "etl_orders_sync_sync_16401"),
        server.query("postgres", "SELECT slot_name FROM pg_replication_slots ORDER BY 1").stream().map(r -> r.get(0)).toList());
  }
}
