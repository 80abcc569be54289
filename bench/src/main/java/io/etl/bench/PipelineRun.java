package io.etl.bench;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.PipelineSettings;
import io.etl.core.config.StateStoreConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.Pipeline;
import io.etl.core.pipeline.PipelineStatus;
import io.etl.destinations.postgres.PostgresDestination;
import java.util.function.Predicate;

/**
 * Runs one of our pipelines, with its default settings and its state in the source database,
 * until a condition holds, then stops it the way the replicator does on SIGTERM.
 */
final class PipelineRun {
  private final Endpoints endpoints;
  private final String id;
  private final String publication;

  PipelineRun(Endpoints endpoints, String id, String publication) {
    this.endpoints = endpoints;
    this.id = id;
    this.publication = publication;
  }

  /** The apply slot our pipeline {@code id} reads (and creates on its first run). */
  static String applySlot(String id) {
    return "etl_" + id + "_apply";
  }

  PostgresDestination postgresDestination() {
    return new PostgresDestination(endpoints.destination(), Endpoints.PASSWORD);
  }

  void runUntil(Destination target, Predicate<Pipeline> done) throws Exception {
    try (Pipeline pipeline = new Pipeline(config(target), target, EtlMetrics.noop(), Endpoints.ENVIRONMENT)) {
      Throwable[] failure = new Throwable[1];
      Thread runner = new Thread(() -> {
        try {
          pipeline.run();
        } catch (Throwable t) {
          failure[0] = t;
        }
      }, "bench-pipeline");
      runner.start();
      while (!done.test(pipeline)) {
        if (!runner.isAlive()) {
          throw new IllegalStateException("pipeline " + id + " ended early", failure[0]);
        }
        Thread.sleep(20);
      }
      pipeline.stop();
      runner.join();
    }
  }

  /** Runs until every table has been copied and the pipeline streams them. */
  void runUntilCopied(Destination target) throws Exception {
    runUntil(target, pipeline -> allStreaming(pipeline.status()));
  }

  private PipelineConfig config(Destination target) {
    boolean postgres = !(unwrapped(target) instanceof MemoryDestination);
    return new PipelineConfig(
        new PipelineSettings(id, publication),
        endpoints.source(),
        new DestinationConfig(postgres ? "postgres" : "memory", postgres ? endpoints.destination() : null),
        null, null, null, new StateStoreConfig("postgres"), null, null);
  }

  private static Destination unwrapped(Destination target) {
    return target instanceof TimedDestination timed ? timed.target() : target;
  }

  private static boolean allStreaming(PipelineStatus status) {
    return !status.tables().isEmpty()
        && status.tables().stream().allMatch(t -> t.state().equals("ready") || t.state().equals("sync_done"));
  }
}
