package io.etl.core.state;

import java.time.Instant;

/**
 * What the state store remembers of one re-sync request.
 *
 * @param table {@code schema.table}
 * @param result {@link #STARTED}, {@link #DONE}, {@link #ERRORED} or {@link #UNKNOWN_TABLE}
 * @param detail why, for errored and unknown_table; null otherwise
 * @param finishedAt when the table was ready again or the request was refused; null while started
 */
public record ResyncRecord(String requestId, String table, String result, String detail, Instant requestedAt,
    Instant finishedAt) {
  /** The table went back to init; its copy is under way. */
  public static final String STARTED = "started";
  /** The table was copied again and is ready. */
  public static final String DONE = "done";
  /** The new copy failed; the table is errored and detail says why. */
  public static final String ERRORED = "errored";
  /** The table is not in the publication; nothing was done. */
  public static final String UNKNOWN_TABLE = "unknown_table";
}
