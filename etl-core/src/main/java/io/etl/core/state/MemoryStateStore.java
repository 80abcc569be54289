package io.etl.core.state;

import io.etl.core.schema.TableSchema;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A state store that lives as long as the process: for tests and the memory destination. */
public final class MemoryStateStore implements StateStore {
  private final Map<Integer, TableState> states = new ConcurrentHashMap<>();
  private final Map<Integer, TableSchema> schemas = new ConcurrentHashMap<>();
  private final Map<Integer, Long> rowsCopied = new ConcurrentHashMap<>();
  private final Map<Integer, Long> unmatchedChanges = new ConcurrentHashMap<>();
  private volatile String applySlotIncarnation;

  @Override
  public void migrate() {}

  @Override
  public Map<Integer, TableState> loadTableStates() {
    return Map.copyOf(states);
  }

  @Override
  public void updateTableState(int tableOid, TableState state) {
    PersistedPhases.require(state);
    states.put(tableOid, state);
  }

  @Override
  public Optional<String> applySlotIncarnation() {
    return Optional.ofNullable(applySlotIncarnation);
  }

  @Override
  public synchronized void resetForNewApplySlot(String incarnation, Collection<Integer> tableOids) {
    tableOids.forEach(oid -> states.put(oid, TableState.init()));
    applySlotIncarnation = incarnation;
  }

  @Override
  public void removeTable(int tableOid) {
    states.remove(tableOid);
    schemas.remove(tableOid);
    rowsCopied.remove(tableOid);
    unmatchedChanges.remove(tableOid);
  }

  @Override
  public Optional<TableSchema> loadTableSchema(int tableOid) {
    return Optional.ofNullable(schemas.get(tableOid));
  }

  @Override
  public void storeTableSchema(TableSchema schema) {
    schemas.put(schema.oid(), schema);
  }

  @Override
  public Map<Integer, Long> loadRowsCopied() {
    return Map.copyOf(rowsCopied);
  }

  @Override
  public void storeRowsCopied(int tableOid, long rows) {
    rowsCopied.put(tableOid, rows);
  }

  @Override
  public Map<Integer, Long> loadUnmatchedChanges() {
    return Map.copyOf(unmatchedChanges);
  }

  @Override
  public void storeUnmatchedChanges(int tableOid, long changes) {
    unmatchedChanges.put(tableOid, changes);
  }

  @Override
  public void close() {}
}
