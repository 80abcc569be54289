package io.etl.core.pipeline;

import io.etl.core.config.RetryConfig;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, capped; {@link #reset()} after a success. */
public final class Backoff {
  private final RetryConfig config;
  private int attempt;

  public Backoff(RetryConfig config) {
    this.config = config;
  }

  /** The delay before the next attempt: base × multiplier^attempt, capped, with ±25 % jitter. */
  public long nextDelayMs() {
    double base = config.initialBackoffMs() * Math.pow(config.multiplier(), attempt);
    attempt = Math.min(attempt + 1, 62);
    double capped = Math.min(base, config.maxBackoffMs());
    double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
    return Math.max(1, Math.round(Math.min(capped * jitter, config.maxBackoffMs())));
  }

  public int attempts() {
    return attempt;
  }

  public void reset() {
    attempt = 0;
  }
}
