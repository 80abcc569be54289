package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.BatchConfig;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.TableSyncConfig;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first acceptance point: five tables, one of a million rows copied as parallel ctid ranges,
 * while a writer inserts, updates, deletes and truncates; afterwards the destination equals the
 * source (row count and content hash per table).
 */
class CopyAndStreamIT {
  private static final int BIG_ROWS = 1_000_000;
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    SourceFixture.create(source, BIG_ROWS);
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
  void copiesAndStreamsFiveTablesWhileAWriterChangesThem() throws Exception {
    PipelineConfig config = PipelineConfig.builder()
        .pipeline("copy_stream", SourceFixture.PUBLICATION)
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("postgres", destination.connectionConfig("postgres", "DESTINATION_PASSWORD")))
        .batch(BatchConfig.builder().maxEvents(5_000).maxFillMs(200).build())
        .tableSync(TableSyncConfig.builder().maxWorkers(3).rangesPerTable(4).parallelMinPages(256).rowsPerWrite(5_000).build())
        .build();
    Map<String, String> env = Map.of("SOURCE_PASSWORD", PostgresServer.PASSWORD, "DESTINATION_PASSWORD", PostgresServer.PASSWORD);

    SourceWriter writer = new SourceWriter(source, BIG_ROWS, 42);
    Thread writerThread = new Thread(writer, "source-writer");
    AtomicReference<Throwable> pipelineFailure = new AtomicReference<>();
    try (PostgresDestination dest = new PostgresDestination(config.destination().postgres(), PostgresServer.PASSWORD,
        config.pipeline().id());
        PipelineRuntime pipeline = new PipelineRuntime(config, dest, EtlMetrics.noop(), env)) {
      Thread runner = new Thread(() -> {
        try {
          pipeline.run();
        } catch (Throwable t) {
          pipelineFailure.set(t);
        }
      }, "pipeline");
      writerThread.start();
      runner.start();

      // keep writing until every table is copied and streaming, so changes land during the copy
      // and during the hand-over as well as afterwards
      while (!allTablesStreaming(pipeline.status()) && pipelineFailure.get() == null) {
        Thread.sleep(200);
      }
      Thread.sleep(2_000);
      writer.stopAndJoin(writerThread);
      assertNull(writer.failure(), "the source writer ran");
      assertTrue(writer.transactions() > 50, "the writer committed transactions during the test: " + writer.transactions());

      Convergence.assertConverges(source, destination, SourceFixture.TABLES,
          () -> allTablesStreaming(pipeline.status()), Duration.ofMinutes(5));

      RuntimeStatus status = pipeline.status();
      assertEquals(5, status.tables().size());
      RuntimeStatus.TableStatus big = status.tables().stream()
          .filter(t -> t.name().equals("public.big")).findFirst().orElseThrow();
      // the writer runs from the start, so the snapshot holds roughly, not exactly, the seeded rows
      assertTrue(big.rowsCopied() > BIG_ROWS * 0.99, "rows copied of public.big: " + big.rowsCopied());
      pipeline.stop();
      runner.join();
      assertNull(pipelineFailure.get(), "pipeline ended without a fatal error");
    }
  }

  static boolean allTablesStreaming(RuntimeStatus status) {
    return !status.tables().isEmpty()
        && status.tables().stream().allMatch(t -> t.state().equals("ready") || t.state().equals("sync_done"));
  }
}
