package io.etl.core.config;

import java.util.List;

/**
 * The apply slot's heartbeat.
 *
 * @param intervalMs how often, while the apply worker has nothing in flight, a logical message is
 *     written to the source; 0 turns the heartbeat off
 */
public record HeartbeatConfig(Long intervalMs) {
  public static final HeartbeatConfig DEFAULT = new HeartbeatConfig(null);

  /** Below this a heartbeat would be WAL noise of its own. */
  static final long MIN_INTERVAL_MS = 100;
  /** 0 (off) up to an hour; inside it, 0 or at least {@link #MIN_INTERVAL_MS}. */
  public static final Range INTERVAL_MS = new Range(0, 3_600_000);

  public HeartbeatConfig {
    intervalMs = intervalMs == null ? 10_000L : intervalMs;
  }

  public boolean enabled() {
    return intervalMs > 0;
  }

  public void validate(List<String> problems) {
    if (!INTERVAL_MS.contains(intervalMs)) {
      problems.add("heartbeat.intervalMs must be 0 (off) or between " + MIN_INTERVAL_MS + " and " + INTERVAL_MS.max()
          + ", got " + intervalMs);
    } else if (intervalMs != 0 && intervalMs < MIN_INTERVAL_MS) {
      problems.add("heartbeat.intervalMs must be 0 (off) or at least " + MIN_INTERVAL_MS + ", got " + intervalMs);
    }
  }
}
