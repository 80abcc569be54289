package io.etl.core.destination;

import java.util.HashMap;
import java.util.Map;

/**
 * What a destination can tell about a batch of changes it wrote durably.
 *
 * @param unmatchedChanges per table OID, the UPDATEs and DELETEs that matched no destination row:
 *     the destination has drifted from the source (rows changed there by hand, say), since a
 *     replayed change is skipped by position and never reaches the destination twice
 */
public record WriteReport(Map<Integer, Long> unmatchedChanges) {
  /** For destinations that cannot tell, and batches with nothing to tell. */
  public static final WriteReport NONE = new WriteReport(Map.of());

  public WriteReport {
    unmatchedChanges = Map.copyOf(unmatchedChanges);
  }

  /** Collects per-table counts while a batch is applied. */
  public static final class Builder {
    private final Map<Integer, Long> unmatched = new HashMap<>();

    public void unmatched(int tableOid, long changes) {
      if (changes > 0) {
        unmatched.merge(tableOid, changes, Long::sum);
      }
    }

    public WriteReport build() {
      return unmatched.isEmpty() ? NONE : new WriteReport(unmatched);
    }
  }
}
