package io.etl.replicator.it;

import io.etl.core.testing.PostgresServer;
import java.util.List;

/** What the source knows about a pipeline: its table states and how far its apply slot got. */
final class SourceProgress {
  private final PostgresServer source;
  private final String pipelineId;

  SourceProgress(PostgresServer source, String pipelineId) {
    this.source = source;
    this.pipelineId = pipelineId;
  }

  /** Every one of the pipeline's {@code tables} tables is ready (or handed over). */
  boolean allStreaming(int tables) {
    try {
      List<String> phases = source.query("postgres",
          "SELECT phase FROM etl.table_states WHERE pipeline_id = '" + pipelineId + "'").stream().map(r -> r.get(0)).toList();
      return phases.size() == tables && phases.stream().allMatch(p -> p.equals("ready") || p.equals("sync_done"));
    } catch (IllegalStateException schemaNotCreatedYet) {
      return false;
    }
  }

  /** The source's current WAL position, as text. */
  String currentLsn() {
    return source.queryOne("postgres", "SELECT pg_current_wal_lsn()");
  }

  /**
   * The apply slot confirmed {@code lsn}: the destination holds every transaction committed
   * before it. A cheap test to poll, unlike a content hash of millions of rows.
   */
  boolean confirmedPast(String lsn) {
    return "t".equals(source.queryOne("postgres", "SELECT coalesce(bool_or(confirmed_flush_lsn >= '" + lsn
        + "'::pg_lsn), false) FROM pg_replication_slots WHERE slot_name = 'etl_" + pipelineId + "_apply'"));
  }

  /** Transactions the server streamed to the apply slot before they committed. */
  long streamedTransactions() {
    String count = source.queryOne("postgres",
        "SELECT stream_txns FROM pg_stat_replication_slots WHERE slot_name = 'etl_" + pipelineId + "_apply'");
    return count == null ? 0 : Long.parseLong(count);
  }
}
