package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Pipeline} running on its own thread of the test, passwords taken from the test
 * servers. It owns the destination it is given and closes it after the pipeline.
 */
final class RunningPipeline implements AutoCloseable {
  static final Map<String, String> PASSWORDS =
      Map.of("SOURCE_PASSWORD", PostgresServer.PASSWORD, "DESTINATION_PASSWORD", PostgresServer.PASSWORD);

  private final PipelineRuntime pipeline;
  private final Destination destination;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private RunningPipeline(PipelineConfig config, Destination destination, EtlMetrics metrics) {
    this.destination = destination;
    pipeline = new PipelineRuntime(config, destination, metrics, PASSWORDS);
    thread = new Thread(() -> {
      try {
        pipeline.run();
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "pipeline-" + config.pipeline().id());
    thread.start();
  }

  static RunningPipeline start(PipelineConfig config, Destination destination, EtlMetrics metrics) {
    return new RunningPipeline(config, destination, metrics);
  }

  RuntimeStatus status() {
    return pipeline.status();
  }

  /** Every table is ready or handed over to the apply worker. */
  boolean allTablesStreaming() {
    RuntimeStatus status = pipeline.status();
    return !status.tables().isEmpty()
        && status.tables().stream().allMatch(t -> t.state().equals("ready") || t.state().equals("sync_done"));
  }

  /** The fatal fault that ended the pipeline, or null while it runs (or ended without one). */
  Throwable failure() {
    return failure.get();
  }

  /** Waits, failing fast on a fatal fault, until every table streams. */
  void awaitAllTablesStreaming() throws InterruptedException {
    Await.until(() -> {
      if (failure() != null) {
        fail("the pipeline stopped: " + failure());
      }
      return allTablesStreaming();
    }, "every table streams", Duration.ofMinutes(2));
  }

  /** Stops the pipeline and asserts it ended without a fatal fault. */
  @Override
  public void close() throws InterruptedException {
    pipeline.stop();
    thread.join(TimeUnit.SECONDS.toMillis(60));
    pipeline.close();
    destination.close();
    if (thread.isAlive()) {
      fail("the pipeline did not stop within 60 s");
    }
    assertNull(failure(), "the pipeline ended without a fatal fault");
  }
}
