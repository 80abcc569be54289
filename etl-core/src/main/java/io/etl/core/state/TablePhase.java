package io.etl.core.state;

import java.util.Locale;

/**
 * Where a table stands in the copy-to-stream hand-over. The order mirrors PostgreSQL's
 * tablesync; see {@link TableState} for the transitions.
 */
public enum TablePhase {
  /** Not copied yet. */
  INIT(true),
  /** Copy under way; a crash here restarts the copy from an empty destination table. */
  DATA_SYNC(true),
  /** Every row of the snapshot is in the destination; catch-up from the table's slot pending. */
  FINISHED_COPY(true),
  /** In memory only: the sync worker waits for the apply worker to name a catch-up position. */
  SYNC_WAIT(false),
  /** In memory only: the sync worker replays its slot up to the position the apply worker set. */
  CATCHUP(false),
  /** Caught up to {@code lsn}; the apply worker applies this table's changes committed at or after it. */
  SYNC_DONE(true),
  /** Streamed by the apply worker. */
  READY(true),
  /** Stopped with a reason and a fix; the other tables go on. */
  ERRORED(true);

  private final boolean persisted;

  TablePhase(boolean persisted) {
    this.persisted = persisted;
  }

  public boolean persisted() {
    return persisted;
  }

  /** The lower-case name used in the state store, metrics and {@code /status}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TablePhase fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
