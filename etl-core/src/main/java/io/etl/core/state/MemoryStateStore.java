package io.etl.core.state;

import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A state store that lives as long as the process: for tests and the memory destination. */
public final class MemoryStateStore implements StateStore {
  private final Map<Integer, TableState> states = new ConcurrentHashMap<>();
  private final Map<Integer, TableSchema> schemas = new ConcurrentHashMap<>();
  private final Map<Integer, Long> rowsCopied = new ConcurrentHashMap<>();
  private final Map<Integer, Long> unmatchedChanges = new ConcurrentHashMap<>();
  private volatile String applySlotIncarnation;
  /** By request id, in the order taken. */
  private final Map<String, ResyncRecord> resyncs = new LinkedHashMap<>();
  private final Map<String, Integer> resyncOids = new HashMap<>();

  @Override
  public void migrate() {}

  @Override
  public Map<Integer, TableState> loadTableStates() {
    return Map.copyOf(states);
  }

  @Override
  public synchronized void updateTableState(int tableOid, TableState state) {
    PersistedPhases.require(state);
    states.put(tableOid, state);
    boolean ready = state.phase() == TablePhase.READY;
    if (ready || state.phase() == TablePhase.ERRORED) {
      resyncs.replaceAll((id, r) -> ResyncRecord.STARTED.equals(r.result()) && Integer.valueOf(tableOid).equals(resyncOids.get(id))
          ? new ResyncRecord(id, r.table(), ready ? ResyncRecord.DONE : ResyncRecord.ERRORED,
              ready ? null : state.reason(), r.requestedAt(), Instant.now())
          : r);
    }
  }

  @Override
  public synchronized Set<String> recordedResyncs() {
    return Set.copyOf(resyncs.keySet());
  }

  @Override
  public synchronized void resetForResync(int tableOid, String table, String requestId) {
    states.put(tableOid, TableState.init());
    resyncs.put(requestId, new ResyncRecord(requestId, table, ResyncRecord.STARTED, null, Instant.now(), null));
    resyncOids.put(requestId, tableOid);
  }

  @Override
  public synchronized void refuseResync(String requestId, String table, String result, String detail) {
    Instant now = Instant.now();
    resyncs.put(requestId, new ResyncRecord(requestId, table, result, detail, now, now));
  }

  @Override
  public synchronized List<ResyncRecord> loadResyncs() {
    List<ResyncRecord> newestFirst = new ArrayList<>(resyncs.values());
    Collections.reverse(newestFirst);
    return newestFirst;
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
