package io.etl.core.state;

import java.util.List;
import java.util.Optional;

/**
 * What the source database says about one pipeline: its apply slot and each table of its
 * publication. Read by the operator for the Pipeline's status.
 *
 * @param applySlot empty until the replicator has created the slot
 * @param publicationExists false when the publication is missing (the replicator cannot start)
 * @param tables every table the publication holds, in name order
 * @param resyncs the newest {@link #MAX_RESYNCS} re-sync requests the replicator recorded, newest first
 */
public record PipelineObservation(Optional<Slot> applySlot, boolean publicationExists, List<Table> tables,
    List<ResyncRecord> resyncs) {
  /** How many re-sync records an observation carries at most. */
  public static final int MAX_RESYNCS = 20;

  public PipelineObservation {
    resyncs = resyncs == null ? List.of() : List.copyOf(resyncs);
  }

  /** An observation of a pipeline with no re-sync requests recorded. */
  public PipelineObservation(Optional<Slot> applySlot, boolean publicationExists, List<Table> tables) {
    this(applySlot, publicationExists, tables, List.of());
  }

  /**
   * @param lagBytes WAL the slot holds back: the server's position (replay position on a standby) minus
   *     {@code confirmed_flush_lsn}, as {@link io.etl.core.replication.ReplicationSlots} reads it
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
   * @param safeWalSizeBytes WAL that may still be written before the slot is at risk; null when
   *     {@code max_slot_wal_keep_size} is unlimited
   */
  public record Slot(String name, boolean active, long lagBytes, String walStatus, Long safeWalSizeBytes,
      String confirmedFlushLsn) {}

  /**
   * @param name {@code schema.table}
   * @param phase the persisted phase's label ({@code init} when the replicator has not seen it yet)
   * @param unmatchedChanges UPDATEs and DELETEs that matched no destination row since the table's copy
   */
  public record Table(String name, String phase, long rowsCopied, String reason, String solution, long unmatchedChanges) {
    public boolean is(TablePhase p) {
      return p.label().equals(phase);
    }
  }
}
