package io.etl.core.state;

import io.etl.core.schema.TableSchema;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persists what a pipeline must remember across restarts: each table's replication state (and
 * its history) and the table schemas seen. One store serves one pipeline.
 */
public interface StateStore extends AutoCloseable {

  /** Creates or migrates the store's schema; idempotent. */
  void migrate();

  /** Every table known to this pipeline with its last persisted state, keyed by table OID. */
  Map<Integer, TableState> loadTableStates();

  /** Persists {@code state} for the table (only phases that are {@link TablePhase#persisted()}). */
  void updateTableState(int tableOid, TableState state);

  /**
   * The incarnation of the apply slot recorded by {@link #resetForNewApplySlot}, or empty if
   * none was ever recorded (a pipeline whose slot an earlier version created).
   */
  Optional<String> applySlotIncarnation();

  /**
   * In one transaction: every table of {@code tableOids} back to INIT, and {@code incarnation}
   * recorded as the apply slot's. Called before the apply slot is created, never after: a crash
   * between the two then finds the tables reset and the slot still missing, and does it again.
   */
  void resetForNewApplySlot(String incarnation, Collection<Integer> tableOids);

  /** Forgets a table (it left the publication). */
  void removeTable(int tableOid);

  Optional<TableSchema> loadTableSchema(int tableOid);

  void storeTableSchema(TableSchema schema);

  /** Rows copied so far per table OID (informational, for status). */
  Map<Integer, Long> loadRowsCopied();

  void storeRowsCopied(int tableOid, long rows);

  /** Changes per table OID that matched no destination row since the table's last copy. */
  Map<Integer, Long> loadUnmatchedChanges();

  void storeUnmatchedChanges(int tableOid, long changes);

  /** The request ids of every re-sync request recorded so far, whatever its result: each is performed once. */
  Set<String> recordedResyncs();

  /**
   * In one transaction: the table back to INIT and {@code requestId} recorded as started, so a
   * crash either did both (the copy runs, the request is not repeated) or neither. When the table
   * is next written READY (or ERRORED) the record says done (or errored), in that write's transaction.
   */
  void resetForResync(int tableOid, String table, String requestId);

  /** Records a request that was refused ({@code result}, with the one-line {@code detail}) so it is not tried again. */
  void refuseResync(String requestId, String table, String result, String detail);

  /** Every recorded re-sync request, newest first. */
  List<ResyncRecord> loadResyncs();

  @Override
  void close();
}
