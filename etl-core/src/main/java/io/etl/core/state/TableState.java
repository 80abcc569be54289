package io.etl.core.state;

import io.etl.core.replication.Lsn;

/**
 * A table's replication state.
 *
 * @param phase where the table stands
 * @param lsn for SYNC_DONE the position from which the apply worker owns the table; for CATCHUP
 *     the position the sync worker must reach; otherwise null
 * @param reason for ERRORED, what went wrong
 * @param solution for ERRORED, how to fix it
 */
public record TableState(TablePhase phase, Lsn lsn, String reason, String solution) {

  public static TableState init() {
    return new TableState(TablePhase.INIT, null, null, null);
  }

  public static TableState of(TablePhase phase) {
    return new TableState(phase, null, null, null);
  }

  public static TableState at(TablePhase phase, Lsn lsn) {
    return new TableState(phase, lsn, null, null);
  }

  public static TableState errored(String reason, String solution) {
    return new TableState(TablePhase.ERRORED, null, reason, solution);
  }

  public TablePhase phase() {
    return phase;
  }

  @Override
  public String toString() {
    return phase.label() + (lsn == null ? "" : "(" + lsn + ")") + (reason == null ? "" : ": " + reason);
  }
}
