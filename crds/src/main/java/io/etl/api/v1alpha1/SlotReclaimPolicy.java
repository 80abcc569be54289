package io.etl.api.v1alpha1;

/** What happens to the replication slots and the pipeline's state when the Pipeline is deleted. */
public enum SlotReclaimPolicy {
  /** Drop the slots and the pipeline's rows in schema etl, so no slot keeps WAL forever. */
  Delete,
  /** Keep them, e.g. to re-create the Pipeline later and resume where it stopped. */
  Retain
}
