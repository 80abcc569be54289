package io.etl.core.pipeline;

/** What the replicator as a whole is doing (the engine's phase, not the Pipeline resource's). */
public enum RuntimePhase {
  STARTING,
  /** Some tables are still being copied; the others stream. */
  COPYING,
  /** Every table streams. */
  STREAMING,
  /** A retryable fault stopped progress; the pipeline retries with backoff. */
  RETRYING,
  /** A fatal fault stopped the pipeline; see the last error for the fix. */
  FAILED,
  STOPPING,
  STOPPED
}
