package io.etl.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.event.Row;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.schema.TableId;
import io.etl.core.testing.Eventually;
import io.etl.core.testing.PostgresServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine end to end inside etl-core: a real source, the memory destination, copy then stream. */
class PipelineRuntimeIT {
  private static final TableId ITEMS = new TableId("public", "items");
  private static PostgresServer source;

  @BeforeAll
  static void startSource() {
    source = PostgresServer.start();
    source.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
    source.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g");
    source.execute("CREATE PUBLICATION pub FOR TABLE items");
  }

  @AfterAll
  static void stopSource() {
    source.close();
  }

  @Test
  void copiesThenStreamsIntoTheMemoryDestination() throws Exception {
    PipelineConfig config = PipelineConfig.builder()
        .pipeline("core_runtime", "pub")
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("memory", null, null))
        .build();
    MemoryDestination destination = new MemoryDestination();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (PipelineRuntime pipeline =
        new PipelineRuntime(config, destination, EtlMetrics.noop(), Map.of("SOURCE_PASSWORD", PostgresServer.PASSWORD))) {
      Thread runner = new Thread(() -> {
        try {
          pipeline.run();
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "pipeline");
      runner.start();
      Eventually.await("the table streams", () -> failure.get() != null || pipeline.status().phase() == RuntimePhase.STREAMING);
      assertNull(failure.get(), "the pipeline runs");
      assertEquals(100, destination.rowCount(ITEMS), "the copy");

      source.execute("UPDATE items SET name = 'renamed' WHERE id = 1");
      source.execute("DELETE FROM items WHERE id > 90");
      source.execute("INSERT INTO items VALUES (500, 'new')");
      Eventually.await("the changes arrive", () -> destination.rowCount(ITEMS) == 91 ? true : null,
          () -> destination.rows(ITEMS).toString());
      List<Row> rows = destination.rows(ITEMS);
      assertTrue(rows.contains(Row.of("1", "renamed")), rows.toString());
      assertTrue(rows.contains(Row.of("500", "new")), rows.toString());
      assertFalse(rows.contains(Row.of("91", "item 91")), rows.toString());
      RuntimeStatus status = pipeline.status();
      assertEquals(List.of("ready"), status.tables().stream().map(RuntimeStatus.TableStatus::state).toList());
      pipeline.stop();
      runner.join();
      assertNull(failure.get(), "stopped cleanly");
      assertEquals(RuntimePhase.STOPPED, pipeline.status().phase());
    }
  }
}
