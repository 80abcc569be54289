package io.etl.core.pipeline;

import io.etl.core.apply.ApplyWorker;
import io.etl.core.apply.Heartbeat;
import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.error.EtlException;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.SlotReader;
import io.etl.core.source.PostgresConnector;
import io.etl.core.source.SourceIdentity;
import io.etl.core.state.StateStore;
import io.etl.core.sync.SourceSchemaWatch;
import io.etl.core.sync.TableStates;
import io.etl.core.sync.TrackedSchemas;
import io.etl.core.sync.UnmatchedChanges;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.postgresql.jdbc.PgConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt's workers, started and supervised: the apply worker on the calling thread, a
 * bounded pool of table sync workers kept by the {@link TableSyncSupervisor}, the heartbeat, and
 * a monitor for the slot's lag, the table metrics and the pipeline lock. {@link #run} returns
 * when the apply worker does and stops everything else.
 */
final class StreamingWorkers {
  private static final Logger log = LoggerFactory.getLogger(StreamingWorkers.class);

  private final PipelineConfig config;
  private final Destination destination;
  private final EtlMetrics metrics;
  private final Progress progress;
  private final BooleanSupplier stopRequested;
  private volatile ApplyWorker applyWorker;

  /** @param stopRequested whether the pipeline is stopping (asked again before the apply worker runs) */
  StreamingWorkers(PipelineConfig config, Destination destination, EtlMetrics metrics, Progress progress,
      BooleanSupplier stopRequested) {
    this.stopRequested = stopRequested;
    this.config = config;
    this.destination = destination;
    this.metrics = metrics;
    this.progress = progress;
  }

  /** Runs the workers until {@link #stop()} or a failure; {@code onStreaming} is called once they run. */
  void run(PostgresConnector source, PipelineStartup.Start start, StateStore store, PipelineLock lock,
      Runnable onStreaming) throws InterruptedException {
    TableStates tables = start.tables();
    String slot = config.applySlotName();
    SlotReader reader;
    PipelineIdentity identity;
    try {
      PgConnection replication = source.openReplication();
      identity = new PipelineIdentity(config.pipeline().id(), SourceIdentity.identify(replication), start.incarnation());
      reader = new SlotReader(replication, slot, start.position(), config.pipeline().publication(), metrics,
          config.replication());
    } catch (SQLException e) {
      throw source.errors().classify(e);
    }
    TrackedSchemas schemas = new TrackedSchemas(store);
    UnmatchedChanges unmatched = new UnmatchedChanges(tables, metrics, config.destination().errorOnUnmatchedChanges());
    ApplyWorker apply = new ApplyWorker(identity.applyStream(), reader, source.errors(), start.position(), destination,
        tables, config.batch(), metrics, progress, schemas, new SourceSchemaWatch(schemas, source), unmatched);
    applyWorker = apply;
    ExecutorService syncPool = Executors.newFixedThreadPool(config.tableSync().maxWorkers(), daemon("table-sync"));
    ScheduledExecutorService monitor = Executors.newScheduledThreadPool(2, daemon("pipeline-monitor"));
    SlotLagMonitor lag = new SlotLagMonitor(source, slot, progress, metrics);
    TableSyncSupervisor supervisor =
        new TableSyncSupervisor(config, identity, source, destination, tables, schemas, metrics, unmatched, syncPool);
    Heartbeat heartbeat = Heartbeat.start(config.heartbeat(), source, apply::nothingInFlight, metrics);
    AtomicBoolean lockLost = new AtomicBoolean();
    try {
      int toSync = tables.tablesNeedingSync().size();
      monitor.scheduleWithFixedDelay(() -> {
        try {
          supervisor.tick();
        } catch (RuntimeException e) {
          log.warn("table sync supervisor: {}", e.toString());
        }
      }, 0, 200, TimeUnit.MILLISECONDS);
      monitor.scheduleWithFixedDelay(() -> {
        lag.refresh();
        publishTableMetrics(tables);
        // the lock's session can end alone (idle_session_timeout, a proxy); without it a
        // second replicator could start, so this one stops and takes the lock again
        if (!lock.held() && lockLost.compareAndSet(false, true)) {
          apply.stop();
        }
      }, 0, 5, TimeUnit.SECONDS);
      onStreaming.run();
      log.info("pipeline {} streaming from {} ({} tables, {} to sync)", config.pipeline().id(), start.position(),
          tables.names().size(), toSync);
      if (stopRequested.getAsBoolean()) {
        apply.stop();
      }
      apply.run();
      if (lockLost.get() && !stopRequested.getAsBoolean()) {
        throw EtlException.retryable("pipeline_lock_lost",
            "the source session holding pipeline " + config.pipeline().id() + "'s lock ended",
            "nothing to do: the replicator takes the lock again and resumes", null);
      }
    } finally {
      progress.streaming(false);
      heartbeat.close();
      tables.stop();
      monitor.shutdownNow();
      monitor.awaitTermination(5, TimeUnit.SECONDS);
      supervisor.stop();
      syncPool.shutdownNow();
      syncPool.awaitTermination(30, TimeUnit.SECONDS);
      lag.close();
    }
  }

  /** Stop reading, flush what was read, confirm it, and let {@link #run} return. */
  void stop() {
    ApplyWorker apply = applyWorker;
    if (apply != null) {
      apply.stop();
    }
  }

  private void publishTableMetrics(TableStates tables) {
    Map<String, Long> counts = new HashMap<>();
    tables.snapshot().values().forEach(s -> counts.merge(s.phase().label(), 1L, Long::sum));
    metrics.tableStates(counts);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
