package io.etl.core.failpoint;

/**
 * The named places where tests make the replicator crash, to prove that a crash at each of them
 * loses and duplicates nothing. Off in production: see {@link Failpoints}.
 */
public enum Failpoint {
  /** A copy batch was written to the destination; the table's copy has not finished. */
  COPY_AFTER_BATCH("copy.after_batch"),
  /** A CDC batch is about to be written to the destination. */
  APPLY_BEFORE_WRITE("apply.before_write"),
  /** A CDC batch is durable at the destination; its position is not yet confirmed to the source. */
  APPLY_AFTER_WRITE("apply.after_write"),
  /** The apply slot is missing: every table was reset for a new one, which is about to be created. */
  SLOT_BEFORE_CREATE("slot.before_create"),
  /** A table's state is about to be written to the state store. */
  STATE_BEFORE_UPDATE("state.before_update"),
  /** A table caught up and is about to be handed from its sync worker to the apply worker. */
  SYNC_HAND_OVER("sync.hand_over");

  private final String label;

  Failpoint(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  static Failpoint byLabel(String label) {
    for (Failpoint point : values()) {
      if (point.label.equals(label)) {
        return point;
      }
    }
    throw new IllegalArgumentException("unknown failpoint '" + label + "'");
  }
}
