package io.etl.bench;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.StateStoreConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.DiscardDestination;
import io.etl.core.destination.ForwardingDestination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.replication.SlotNames;
import io.etl.destinations.postgres.PostgresDestination;
import java.sql.Connection;
import java.sql.SQLException;
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
    return new PostgresDestination(endpoints.destination(), Endpoints.PASSWORD, id);
  }

  void runUntil(Destination target, Predicate<PipelineRuntime> done) throws Exception {
    try (PipelineRuntime pipeline = new PipelineRuntime(config(target), target, EtlMetrics.noop(), Endpoints.ENVIRONMENT)) {
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

  /**
   * Runs until every table has been copied and handed over to streaming, and returns the {@link
   * System#nanoTime()} when that happened. It stops the pipeline only once the table sync
   * workers have also dropped their slots: a worker interrupted between hand-over and dropping
   * its slot marks its table errored, and the table would then stream nothing in the next run.
   */
  long runUntilCopied(Destination target) throws Exception {
    long[] streamingSince = {-1};
    try (Connection source = endpoints.connectSource()) {
      runUntil(target, pipeline -> {
        RuntimeStatus status = pipeline.status();
        failOnErroredTable(status);
        if (streamingSince[0] < 0 && allStreaming(status)) {
          streamingSince[0] = System.nanoTime();
        }
        return streamingSince[0] >= 0 && syncSlotsLeft(source) == 0;
      });
    }
    return streamingSince[0];
  }

  private void failOnErroredTable(RuntimeStatus status) {
    for (RuntimeStatus.TableStatus table : status.tables()) {
      if (table.state().equals("errored")) {
        throw new IllegalStateException("pipeline " + id + ": table " + table.name() + " errored: " + table.reason());
      }
    }
  }

  private long syncSlotsLeft(Connection source) {
    try {
      return ReplicationSlots.matching(source,
          SlotNames.tableSyncPattern(id)).size();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }


  private PipelineConfig config(Destination target) {
    Destination destination = unwrapped(target);
    String type = destination instanceof MemoryDestination ? Target.MEMORY.configType
        : destination instanceof DiscardDestination ? Target.DISCARD.configType : Target.POSTGRES.configType;
    boolean postgres = type.equals(Target.POSTGRES.configType);
    return PipelineConfig.builder()
        .pipeline(id, publication)
        .source(endpoints.source())
        .destination(new DestinationConfig(type, postgres ? endpoints.destination() : null))
        .stateStore(new StateStoreConfig("postgres"))
        .build();
  }

  private static Destination unwrapped(Destination target) {
    Destination d = target;
    while (d instanceof ForwardingDestination forwarding) {
      d = forwarding.target();
    }
    return d;
  }

  private static boolean allStreaming(RuntimeStatus status) {
    return !status.tables().isEmpty()
        && status.tables().stream().allMatch(t -> t.state().equals("ready") || t.state().equals("sync_done"));
  }
}
