package io.etl.core.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the pipeline for {@code /status}, {@code /readyz} and the demo.
 *
 * @param ready true once the apply worker streams (what {@code /readyz} reports)
 * @param confirmedFlushLsn the position confirmed to the source, e.g. {@code 0/16B3748}
 * @param lagBytes WAL bytes between the server's current position and the confirmed one; null
 *     when not known yet
 * @param retries retries since the last success
 */
public record RuntimeStatus(
    String pipelineId,
    RuntimePhase phase,
    boolean ready,
    String confirmedFlushLsn,
    String receivedLsn,
    Long lagBytes,
    long eventsApplied,
    List<TableStatus> tables,
    ErrorInfo lastError,
    long retries,
    Instant updatedAt) {

  /** One table's state. */
  /** @param unmatchedChanges UPDATEs and DELETEs that matched no destination row since the table's copy */
  public record TableStatus(String name, int oid, String state, long rowsCopied, long unmatchedChanges, String reason,
      String solution) {}

  /** The last failure, with the fix. */
  public record ErrorInfo(String kind, String category, String reason, String solution, Instant at) {}
}
