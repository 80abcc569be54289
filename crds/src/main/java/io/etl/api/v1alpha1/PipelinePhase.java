package io.etl.api.v1alpha1;

public enum PipelinePhase {
  /** Waiting for its Destination, Secret or first observation. */
  Pending,
  /** At least one table is being copied. */
  Copying,
  /** Every table is ready; changes stream. */
  Streaming,
  /** spec.paused is true. */
  Paused,
  /** Something only a person can fix; the Stalled condition says what. */
  Failed,
  /** Being deleted; clean-up runs. */
  Deleting
}
