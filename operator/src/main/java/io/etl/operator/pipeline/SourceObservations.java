package io.etl.operator.pipeline;

import io.etl.api.v1alpha1.Pipeline;
import io.etl.operator.support.SecretReader;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the Pipelines' sources off the reconcile threads: one bounded pool of observer threads,
 * at most one read in flight per Pipeline, the latest result per Pipeline kept here and a
 * reconcile triggered through {@link #events()} when it arrives. The source's password is read
 * from its Secret on the observer thread, right where the connection is opened, and dropped
 * with it.
 */
final class SourceObservations implements AutoCloseable {
  /** Enough for hundreds of Pipelines at a 15 s interval (one read is tens of ms); few enough for a small pod. */
  static final int THREADS = 8;

  /**
   * One read of the source.
   *
   * @param source what was read
   * @param at when
   * @param generation the Pipeline's generation it was read for: a changed spec needs a new read
   */
  record Latest(SourceObservation source, Instant at, Long generation) {}

  private final SecretReader secrets;
  private final SourceObserver observer = new SourceObserver();
  private final SimpleInboundEventSource<Pipeline> events = new SimpleInboundEventSource<>("source-observations");
  private final Map<ResourceID, Latest> latest = new ConcurrentHashMap<>();
  private final Set<ResourceID> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool;

  SourceObservations(SecretReader secrets) {
    this.secrets = secrets;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "source-observer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The event source through which a finished read triggers its Pipeline's reconcile. */
  SimpleInboundEventSource<Pipeline> events() {
    return events;
  }

  /** The latest read for the Pipeline's current generation, if any. */
  Optional<Latest> latest(Pipeline pipeline) {
    Latest l = latest.get(ResourceID.fromResource(pipeline));
    return l != null && Objects.equals(l.generation(), pipeline.getMetadata().getGeneration())
        ? Optional.of(l) : Optional.empty();
  }

  /**
   * Starts a read unless the latest is younger than {@code interval} or one is in flight.
   *
   * @return whether a read is now under way (the caller waits for its event before it writes the status)
   */
  boolean refreshIfDue(Pipeline pipeline, Duration interval, Instant now) {
    ResourceID id = ResourceID.fromResource(pipeline);
    Optional<Latest> current = latest(pipeline);
    if (current.isPresent() && current.get().at().plus(interval).isAfter(now)) {
      return false;
    }
    if (!inFlight.add(id)) {
      return true;
    }
    pool.execute(() -> {
      try {
        read(id, pipeline);
      } finally {
        inFlight.remove(id);
        events.propagateEvent(id);
      }
    });
    return true;
  }

  private void read(ResourceID id, Pipeline pipeline) {
    Instant at = Instant.now();
    SourceCredentials credentials;
    try {
      credentials = SourceCredentials.read(secrets, pipeline);
    } catch (SecretReader.SecretProblem | RuntimeException e) {
      // the validate step reports the Secret; keep what was read before, marked as tried now
      Latest before = latest.get(id);
      latest.put(id, new Latest(before == null ? null : before.source(), at, pipeline.getMetadata().getGeneration()));
      return;
    }
    latest.put(id, new Latest(observer.observe(pipeline, credentials.password(), credentials.caPem()), at,
        pipeline.getMetadata().getGeneration()));
  }

  /** The Pipeline is gone: drop what was read for it. */
  void forget(Pipeline pipeline) {
    latest.remove(ResourceID.fromResource(pipeline));
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
