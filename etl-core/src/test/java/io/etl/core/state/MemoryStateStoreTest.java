package io.etl.core.state;

import java.util.HashMap;
import java.util.Map;

class MemoryStateStoreTest extends StateStoreContract {
  // the memory store lives as long as the process; model that with one instance per pipeline id
  private final Map<String, MemoryStateStore> stores = new HashMap<>();

  @Override
  StateStore open(String pipelineId) {
    return new SharedView(stores.computeIfAbsent(pipelineId, id -> new MemoryStateStore()));
  }

  /** Closing a view must not lose the process-wide state. */
  private static final class SharedView implements StateStore {
    private final MemoryStateStore store;

    SharedView(MemoryStateStore store) {
      this.store = store;
    }

    @Override public void migrate() { store.migrate(); }
    @Override public Map<Integer, TableState> loadTableStates() { return store.loadTableStates(); }
    @Override public void updateTableState(int oid, TableState s) { store.updateTableState(oid, s); }
    @Override public void removeTable(int oid) { store.removeTable(oid); }
    @Override public java.util.Optional<String> applySlotIncarnation() { return store.applySlotIncarnation(); }
    @Override public void resetForNewApplySlot(String incarnation, java.util.Collection<Integer> oids) {
      store.resetForNewApplySlot(incarnation, oids);
    }
    @Override public java.util.Optional<io.etl.core.schema.TableSchema> loadTableSchema(int oid) { return store.loadTableSchema(oid); }
    @Override public void storeTableSchema(io.etl.core.schema.TableSchema s) { store.storeTableSchema(s); }
    @Override public Map<Integer, Long> loadRowsCopied() { return store.loadRowsCopied(); }
    @Override public void storeRowsCopied(int oid, long rows) { store.storeRowsCopied(oid, rows); }
    @Override public Map<Integer, Long> loadUnmatchedChanges() { return store.loadUnmatchedChanges(); }
    @Override public void storeUnmatchedChanges(int oid, long changes) { store.storeUnmatchedChanges(oid, changes); }
    @Override public java.util.Set<String> recordedResyncs() { return store.recordedResyncs(); }
    @Override public void resetForResync(int oid, String table, String requestId) { store.resetForResync(oid, table, requestId); }
    @Override public void refuseResync(String requestId, String table, String result, String detail) {
      store.refuseResync(requestId, table, result, detail);
    }
    @Override public java.util.List<ResyncRecord> loadResyncs() { return store.loadResyncs(); }
    @Override public void close() {}
  }
}
