package io.etl.core.state;

import io.etl.core.schema.TableSchema;
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

  /** Forgets a table (it left the publication). */
  void removeTable(int tableOid);

  Optional<TableSchema> loadTableSchema(int tableOid);

  void storeTableSchema(TableSchema schema);

  /** Rows copied so far per table OID (informational, for status). */
  Map<Integer, Long> loadRowsCopied();

  void storeRowsCopied(int tableOid, long rows);

  @Override
  void close();
}
