package io.etl.core.state;

import io.etl.core.schema.TableSchema;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

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

  @Override
  void close();
}
