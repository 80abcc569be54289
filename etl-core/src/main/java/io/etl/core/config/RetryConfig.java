package io.etl.core.config;

import java.util.List;

/** Exponential backoff with jitter for retryable faults. */
public record RetryConfig(Long initialBackoffMs, Long maxBackoffMs, Double multiplier) {
  public static final RetryConfig DEFAULT = new RetryConfig(null, null, null);
  /** An hour: a longer wait looks like a hung replicator. */
  public static final Range INITIAL_BACKOFF_MS = new Range(1, 3_600_000);
  public static final Range MAX_BACKOFF_MS = new Range(1, 3_600_000);

  public RetryConfig {
    initialBackoffMs = initialBackoffMs == null ? 500L : initialBackoffMs;
    maxBackoffMs = maxBackoffMs == null ? 30_000L : maxBackoffMs;
    multiplier = multiplier == null ? 2.0 : multiplier;
  }

  public void validate(List<String> problems) {
    INITIAL_BACKOFF_MS.check("retry.initialBackoffMs", initialBackoffMs, problems);
    MAX_BACKOFF_MS.check("retry.maxBackoffMs", maxBackoffMs, problems);
    if (maxBackoffMs < initialBackoffMs) {
      problems.add("retry.maxBackoffMs must not be below retry.initialBackoffMs");
    }
    if (multiplier < 1.0) {
      problems.add("retry.multiplier must be at least 1.0, got " + multiplier);
    }
  }
}
