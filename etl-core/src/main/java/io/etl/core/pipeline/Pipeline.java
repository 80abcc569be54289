package io.etl.core.pipeline;

import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.metrics.EtlMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * PLACEHOLDER from the replicator-image branch so it compiles against the agreed API; the real
 * engine replaces this file at merge. run() only blocks until stop().
 */
public final class Pipeline implements AutoCloseable {
  private final PipelineConfig config;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile PipelinePhase phase = PipelinePhase.STARTING;

  public Pipeline(PipelineConfig config, Destination destination, EtlMetrics metrics, Map<String, String> environment) {
    this.config = config;
  }

  public void run() throws InterruptedException {
    phase = PipelinePhase.STREAMING;
    stopped.await();
    phase = PipelinePhase.STOPPED;
  }

  public void stop() {
    phase = PipelinePhase.STOPPING;
    stopped.countDown();
  }

  public PipelineStatus status() {
    return new PipelineStatus(
        config.pipeline().id(), phase, phase == PipelinePhase.STREAMING, null, null, null, 0, List.of(), null, 0,
        Instant.now());
  }

  @Override
  public void close() {
    stop();
  }
}
