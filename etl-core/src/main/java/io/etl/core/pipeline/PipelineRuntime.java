package io.etl.core.pipeline;

import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.error.EtlException;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.schema.TableId;
import io.etl.core.source.PostgresConnector;
import io.etl.core.state.MemoryStateStore;
import io.etl.core.state.PostgresStateStore;
import io.etl.core.state.StateStore;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import io.etl.core.sync.TableStates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication engine of one pipeline as it runs (not the Pipeline resource the operator
 * reconciles): each attempt is a {@link PipelineStartup} then {@link StreamingWorkers} until
 * stopped. Retryable faults restart the attempt from the persisted state after an exponential
 * backoff; a fatal fault ends {@link #run()} with the exception. Also answers status and table
 * retries while it runs.
 */
public final class PipelineRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineRuntime.class);
  private static final long SUCCESS_AFTER_MS = 30_000;

  private final PipelineConfig config;
  private final Destination destination;
  private final EtlMetrics metrics;
  private final Map<String, String> environment;
  private final Progress progress = new Progress();
  private final Backoff backoff;
  private final Object lock = new Object();

  private volatile boolean stopRequested;
  private volatile RuntimePhase phase = RuntimePhase.STARTING;
  private volatile RuntimeStatus.ErrorInfo lastError;
  private volatile long retries;
  private volatile TableStates tables;
  private volatile StreamingWorkers workers;
  private volatile Thread runThread;
  private StateStore stateStore;

  public PipelineRuntime(PipelineConfig config, Destination destination, EtlMetrics metrics, Map<String, String> environment) {
    this.config = config;
    this.destination = destination;
    this.metrics = metrics;
    this.environment = Map.copyOf(environment);
    this.backoff = new Backoff(config.retry());
  }

  /** Blocks until {@link #stop()} or a fatal fault (thrown as {@link EtlException}). */
  public void run() throws InterruptedException {
    runThread = Thread.currentThread();
    try {
      while (!stopRequested) {
        long started = System.currentTimeMillis();
        try {
          runOnce();
        } catch (EtlException e) {
          if (stopRequested) {
            break;
          }
          recordError(e);
          if (!e.isRetryable()) {
            phase = RuntimePhase.FAILED;
            throw e;
          }
          retryAfter(e, started);
        } catch (InterruptedException e) {
          if (stopRequested) {
            break;
          }
          throw e;
        } catch (RuntimeException e) {
          if (stopRequested) {
            break;
          }
          EtlException wrapped =
              EtlException.retryable("internal", "unexpected failure: " + e, "report this if it repeats", e);
          log.error("unexpected failure; retrying", e);
          recordError(wrapped);
          retryAfter(wrapped, started);
        }
      }
    } finally {
      phase = RuntimePhase.STOPPED;
      progress.streaming(false);
    }
  }

  private void retryAfter(EtlException e, long startedMs) throws InterruptedException {
    if (System.currentTimeMillis() - startedMs > SUCCESS_AFTER_MS) {
      backoff.reset();
      retries = 0;
    }
    long delay = backoff.nextDelayMs();
    retries++;
    metrics.retry(e.category());
    phase = RuntimePhase.RETRYING;
    log.warn("{} Retrying in {} ms (attempt {}).", e.getMessage(), delay, backoff.attempts());
    synchronized (lock) {
      long deadline = System.currentTimeMillis() + delay;
      while (!stopRequested && System.currentTimeMillis() < deadline) {
        lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
      }
    }
  }

  private void recordError(EtlException e) {
    metrics.error(e.kind().name().toLowerCase(Locale.ROOT), e.category());
    lastError =
        new RuntimeStatus.ErrorInfo(
            e.kind().name().toLowerCase(Locale.ROOT), e.category(), e.reason(), e.solution(), Instant.now());
  }

  private void runOnce() throws InterruptedException {
    phase = phase == RuntimePhase.RETRYING ? RuntimePhase.RETRYING : RuntimePhase.STARTING;
    String password = config.source().password() == null ? null : config.source().password().resolve("source.password", environment);
    PostgresConnector source = new PostgresConnector(config.source(), password, "etl-" + config.pipeline().id());
    // before anything is written: a second replicator of this pipeline stops here
    try (PipelineLock lock = PipelineLock.acquire(source, config.pipeline().id())) {
      StateStore store = stateStore(source);
      PipelineStartup.Start start = new PipelineStartup(config, destination).prepare(source, store);
      tables = start.tables();
      StreamingWorkers attempt = new StreamingWorkers(config, destination, metrics, progress, () -> stopRequested);
      workers = attempt;
      attempt.run(source, start, store, lock, () -> phase = RuntimePhase.COPYING);
    }
  }

  /** What a request to retry an errored table found. */
  public enum RetryOutcome { RETRIED, NOT_ERRORED, UNKNOWN_TABLE, NOT_RUNNING }

  /**
   * Sends an ERRORED table (named {@code schema.table}, as /status shows it) back to INIT: it is
   * copied again from scratch, then streamed.
   */
  public RetryOutcome retryTable(String name) {
    TableStates t = tables;
    if (t == null) {
      return RetryOutcome.NOT_RUNNING;
    }
    for (Map.Entry<Integer, TableId> e : t.names().entrySet()) {
      if (e.getValue().toString().equals(name) && t.get(e.getKey()) != null) {
        if (!t.retry(e.getKey())) {
          return RetryOutcome.NOT_ERRORED;
        }
        log.info("table {}: retry requested; copying it again", name);
        return RetryOutcome.RETRIED;
      }
    }
    return RetryOutcome.UNKNOWN_TABLE;
  }

  private StateStore stateStore(PostgresConnector source) {
    if (stateStore == null) {
      stateStore = config.stateStore().type().equals("memory")
          ? new MemoryStateStore()
          : new PostgresStateStore(source::open, config.pipeline().id());
    }
    return stateStore;
  }

  /** Stop reading, flush what was read, confirm it, and let {@link #run()} return. */
  public void stop() {
    stopRequested = true;
    phase = RuntimePhase.STOPPING;
    StreamingWorkers attempt = workers;
    if (attempt != null) {
      attempt.stop();
    }
    TableStates t = tables;
    if (t != null) {
      t.stop();
    }
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  public RuntimeStatus status() {
    TableStates t = tables;
    List<RuntimeStatus.TableStatus> tableStatuses = new ArrayList<>();
    boolean allStreaming = t != null;
    if (t != null) {
      for (Map.Entry<Integer, TableState> e : new TreeMap<>(t.snapshot()).entrySet()) {
        TableState s = e.getValue();
        TableId name = t.name(e.getKey());
        tableStatuses.add(new RuntimeStatus.TableStatus(
            name == null ? String.valueOf(e.getKey()) : name.toString(), e.getKey(), s.phase().label(),
            t.rowsCopied(e.getKey()), t.unmatchedChanges(e.getKey()), s.reason(), s.solution()));
        if (s.phase() != TablePhase.READY && s.phase() != TablePhase.SYNC_DONE && s.phase() != TablePhase.ERRORED) {
          allStreaming = false;
        }
      }
    }
    RuntimePhase current = phase;
    if (current == RuntimePhase.COPYING && allStreaming) {
      current = RuntimePhase.STREAMING;
    }
    // ready once every table streams; an errored table does not hold the others back (it shows in
    // /status and etl_tables{state="errored"})
    boolean ready = progress.streaming() && current == RuntimePhase.STREAMING;
    return new RuntimeStatus(
        config.pipeline().id(),
        current,
        ready,
        progress.confirmed() == null ? null : progress.confirmed().toString(),
        progress.received() == null ? null : progress.received().toString(),
        progress.lagBytes(),
        progress.eventsApplied(),
        tableStatuses,
        lastError,
        retries,
        Instant.now());
  }

  @Override
  public void close() {
    stop();
    if (stateStore != null) {
      stateStore.close();
    }
  }
}
