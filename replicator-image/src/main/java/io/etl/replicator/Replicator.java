package io.etl.replicator;

import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.error.EtlException;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.Backoff;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimePhase;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.replicator.http.StatusServer;
import io.etl.replicator.metrics.PrometheusRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replicator process: the status endpoints, the destination and the pipeline, from start to
 * a clean stop. {@link #run()} blocks on the calling thread; {@link #stop()} may come from any
 * thread (a signal handler) at any time, also before the pipeline exists.
 */
public final class Replicator {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);

  private final PipelineConfig config;
  private final Map<String, String> env;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile PipelineRuntime pipeline;
  private volatile Thread runner;
  private volatile StatusServer server;
  private volatile RuntimeStatus startingStatus;

  public Replicator(PipelineConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    this.startingStatus = startingStatus(null, 0);
  }

  /**
   * Serves the endpoints, builds the destination (retrying retryable faults), runs the pipeline
   * and returns after {@link #stop()}.
   *
   * @throws EtlException a fatal fault of the source or the destination
   * @throws StartupFailure an HTTP port cannot be bound, or the admin token is unusable
   */
  public void run() throws InterruptedException {
    runner = Thread.currentThread();
    try (PrometheusRegistry prometheus = new PrometheusRegistry();
        StatusServer statusServer = StatusServer.start(config.http(), env, prometheus.registry(), this::status,
            this::pipelineThreadAlive, this::retryTable)) {
      server = statusServer;
      EtlMetrics metrics = new EtlMetrics(prometheus.registry());
      Destination destination = createDestination(metrics);
      if (destination == null) {
        return;
      }
      try (destination;
          PipelineRuntime created = new PipelineRuntime(config, destination, metrics, env)) {
        pipeline = created;
        // stop() may have run between the check above and the assignment; it then saw no pipeline
        if (stopRequested.getCount() == 0) {
          created.stop();
        }
        created.run();
      }
    } finally {
      server = null;
    }
  }

  /** Asks a running or starting replicator to stop gracefully; {@link #run()} then returns. */
  public void stop() {
    stopRequested.countDown();
    PipelineRuntime current = pipeline;
    if (current != null) {
      current.stop();
    }
  }

  /** The pipeline's status, or a {@code STARTING} one (with the last start-up error) before it exists. */
  public RuntimeStatus status() {
    PipelineRuntime current = pipeline;
    return current != null ? current.status() : startingStatus;
  }

  /** Sends an errored table back to a fresh copy (POST /tables/{name}/retry). */
  public PipelineRuntime.RetryOutcome retryTable(String table) {
    PipelineRuntime current = pipeline;
    return current == null ? PipelineRuntime.RetryOutcome.NOT_RUNNING : current.retryTable(table);
  }

  /** The public port (/metrics, /healthz, /readyz), or -1 while it is not served. */
  public int httpPort() {
    StatusServer current = server;
    return current == null ? -1 : current.port();
  }

  /** The admin port (/status, table retries), or -1 while it is not served. */
  public int adminPort() {
    StatusServer current = server;
    return current == null ? -1 : current.adminPort();
  }

  private boolean pipelineThreadAlive() {
    Thread thread = runner;
    return thread != null && thread.isAlive();
  }

  private Destination createDestination(EtlMetrics metrics) throws InterruptedException {
    Backoff backoff = new Backoff(config.retry());
    for (int attempt = 1; ; attempt++) {
      try {
        return DestinationFactory.create(config.destination(), config.pipeline().id(), env);
      } catch (EtlException e) {
        if (!e.isRetryable()) {
          throw e;
        }
        metrics.error("retryable", e.category());
        metrics.retry(e.category());
        startingStatus = startingStatus(e, attempt);
        long delayMs = backoff.nextDelayMs();
        log.warn("destination not available yet: {} Retrying in {} ms.", e.reason(), delayMs);
        if (stopRequested.await(delayMs, TimeUnit.MILLISECONDS)) {
          return null;
        }
      }
    }
  }

  private RuntimeStatus startingStatus(EtlException lastError, long retries) {
    RuntimeStatus.ErrorInfo error =
        lastError == null
            ? null
            : new RuntimeStatus.ErrorInfo(
                lastError.kind().name().toLowerCase(Locale.ROOT), lastError.category(), lastError.reason(),
                lastError.solution(), Instant.now());
    return new RuntimeStatus(
        config.pipeline().id(), RuntimePhase.STARTING, false, null, null, null, 0, List.of(), error, retries, Instant.now());
  }
}
