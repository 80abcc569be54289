package io.etl.replicator.it;

import io.etl.core.testing.PostgresServer;
import java.util.List;

/** How much WAL a replication slot holds back on the source server. */
final class SlotWal {
  private final PostgresServer source;
  private final String slotName;

  SlotWal(PostgresServer source, String slotName) {
    this.source = source;
    this.slotName = slotName;
  }

  /** Bytes of WAL between the server's current position and the slot's restart_lsn: what it must keep. */
  long retainedBytes() {
    return lag("restart_lsn");
  }

  /** Bytes of WAL between the server's current position and the slot's confirmed_flush_lsn. */
  long unconfirmedBytes() {
    return lag("confirmed_flush_lsn");
  }

  private long lag(String column) {
    List<List<String>> rows = source.query("postgres",
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), " + column + ")::bigint FROM pg_replication_slots"
            + " WHERE slot_name = '" + slotName + "'");
    if (rows.isEmpty()) {
      throw new IllegalStateException("slot " + slotName + " does not exist");
    }
    return Long.parseLong(rows.get(0).get(0));
  }

  /**
   * Logs the running transactions to WAL, as the server does on its own every 15 s and at every
   * checkpoint: logical decoding can move a slot's restart_lsn only at such a record.
   */
  void logRunningTransactions() {
    int version = Integer.parseInt(source.queryOne("postgres", "SHOW server_version_num"));
    source.execute(version >= 160000 ? "SELECT pg_log_standby_snapshot()" : "CHECKPOINT");
  }

  /** The server's current WAL position as a number. */
  long currentLsn() {
    return Long.parseLong(source.queryOne("postgres", "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"));
  }
}
