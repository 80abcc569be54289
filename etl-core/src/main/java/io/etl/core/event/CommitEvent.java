package io.etl.core.event;

import io.etl.core.replication.Lsn;
import java.time.Instant;

/**
 * End of a transaction. {@code commitLsn} equals the matching Begin's final LSN; {@code endLsn}
 * is the position right after the commit record, the one to confirm to the server.
 */
public record CommitEvent(Lsn commitLsn, Lsn endLsn, Instant commitTime) implements Event {
  public TxPosition position() {
    return new TxPosition(commitLsn, TxPosition.COMMIT_ORDINAL);
  }
}
