package io.etl.core.event;

import io.etl.core.replication.Lsn;

/**
 * Where a change stands in the source's commit order: the commit LSN of its transaction and
 * its ordinal inside that transaction. Total order over all changes a slot delivers, so a
 * destination that records the last position it applied can skip a replay exactly.
 */
public record TxPosition(Lsn commitLsn, long ordinal) implements Comparable<TxPosition> {
  /** Ordinal given to a transaction's commit: after every change of that transaction. */
  public static final long COMMIT_ORDINAL = Long.MAX_VALUE;

  public static final TxPosition NONE = new TxPosition(Lsn.ZERO, 0);

  public boolean isAfter(TxPosition other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(TxPosition o) {
    int c = commitLsn.compareTo(o.commitLsn);
    return c != 0 ? c : Long.compare(ordinal, o.ordinal);
  }

  @Override
  public String toString() {
    return commitLsn + "#" + (ordinal == COMMIT_ORDINAL ? "commit" : Long.toString(ordinal));
  }
}
