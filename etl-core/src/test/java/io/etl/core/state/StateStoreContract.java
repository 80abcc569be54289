package io.etl.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every state store must do; each implementation runs these against itself. */
abstract class StateStoreContract {

  /** A fresh, migrated store for pipeline {@code pipelineId}; the same id shares state. */
  abstract StateStore open(String pipelineId);

  @Test
  void remembersTheLastPersistedStateOfEachTable() {
    try (StateStore store = open("p1")) {
      assertEquals(Map.of(), store.loadTableStates());
      store.updateTableState(16400, TableState.init());
      store.updateTableState(16401, TableState.of(TablePhase.DATA_SYNC));
      store.updateTableState(16400, TableState.at(TablePhase.SYNC_DONE, Lsn.parse("0/16B3748")));
      store.updateTableState(16402, TableState.errored("it broke.", "mend it."));
    }
    try (StateStore again = open("p1")) {
      assertEquals(Map.of(
              16400, TableState.at(TablePhase.SYNC_DONE, Lsn.parse("0/16B3748")),
              16401, TableState.of(TablePhase.DATA_SYNC),
              16402, TableState.errored("it broke.", "mend it.")),
          again.loadTableStates());
    }
  }

  @Test
  void pipelinesDoNotSeeEachOthersState() {
    try (StateStore a = open("pa"); StateStore b = open("pb")) {
      a.updateTableState(1, TableState.of(TablePhase.READY));
      b.updateTableState(1, TableState.of(TablePhase.INIT));
      assertEquals(TablePhase.READY, a.loadTableStates().get(1).phase());
      assertEquals(TablePhase.INIT, b.loadTableStates().get(1).phase());
    }
  }

  @Test
  void aRemovedTableIsForgottenWithItsSchemaAndCounts() {
    TableSchema schema = schema(16410);
    try (StateStore store = open("p2")) {
      store.updateTableState(16410, TableState.of(TablePhase.READY));
      store.storeTableSchema(schema);
      store.storeRowsCopied(16410, 42);
      assertEquals(Optional.of(schema), store.loadTableSchema(16410));
      assertEquals(Map.of(16410, 42L), store.loadRowsCopied());
      store.removeTable(16410);
      assertEquals(Map.of(), store.loadTableStates());
      assertEquals(Optional.empty(), store.loadTableSchema(16410));
      assertTrue(store.loadRowsCopied().getOrDefault(16410, 0L) == 0L);
    }
  }

  @Test
  void aNewApplySlotSendsEveryTableBackToInitAndRecordsItsIncarnation() {
    try (StateStore store = open("p4")) {
      assertEquals(Optional.empty(), store.applySlotIncarnation());
      store.updateTableState(16430, TableState.at(TablePhase.READY, Lsn.parse("0/16B3748")));
      store.updateTableState(16431, TableState.errored("it broke.", "mend it."));
      store.resetForNewApplySlot("first", List.of(16430, 16431));
      store.resetForNewApplySlot("second", List.of(16430, 16431));
    }
    try (StateStore again = open("p4")) {
      assertEquals(Map.of(16430, TableState.init(), 16431, TableState.init()), again.loadTableStates());
      assertEquals(Optional.of("second"), again.applySlotIncarnation());
    }
  }

  @Test
  void aResyncResetsTheTableAndIsRecordedOnceThenEndsDoneWhenTheTableIsReady() {
    try (StateStore store = open("p_resync")) {
      store.updateTableState(16420, TableState.at(TablePhase.READY, Lsn.parse("0/16B3748")));
      store.updateTableState(16421, TableState.of(TablePhase.READY));
      store.resetForResync(16420, "public.orders", "orders-1");
      store.refuseResync("gone-1", "public.gone", ResyncRecord.UNKNOWN_TABLE, "table public.gone is not in publication pub");
      assertEquals(TableState.init(), store.loadTableStates().get(16420));
      assertEquals(java.util.Set.of("orders-1", "gone-1"), store.recordedResyncs());
      ResyncRecord started = byId(store, "orders-1");
      assertEquals(ResyncRecord.STARTED, started.result());
      assertEquals(null, started.finishedAt());
      ResyncRecord refused = byId(store, "gone-1");
      assertEquals(ResyncRecord.UNKNOWN_TABLE, refused.result());
      assertEquals("table public.gone is not in publication pub", refused.detail());

      store.updateTableState(16421, TableState.of(TablePhase.READY)); // another table: the request stays started
      assertEquals(ResyncRecord.STARTED, byId(store, "orders-1").result());
      store.updateTableState(16420, TableState.of(TablePhase.DATA_SYNC));
      store.updateTableState(16420, TableState.at(TablePhase.READY, Lsn.parse("0/16C0000")));
      ResyncRecord done = byId(store, "orders-1");
      assertEquals(ResyncRecord.DONE, done.result());
      assertTrue(done.finishedAt() != null, done.toString());
    }
  }

  @Test
  void aResyncWhoseCopyFailsEndsErroredWithTheReason() {
    try (StateStore store = open("p_resync_err")) {
      store.updateTableState(16430, TableState.errored("it broke.", "mend it."));
      store.resetForResync(16430, "public.items", "items-1");
      store.updateTableState(16430, TableState.errored("still broken.", "mend it."));
      ResyncRecord errored = byId(store, "items-1");
      assertEquals(ResyncRecord.ERRORED, errored.result());
      assertEquals("still broken.", errored.detail());
    }
  }

  private static ResyncRecord byId(StateStore store, String requestId) {
    return store.loadResyncs().stream().filter(r -> r.requestId().equals(requestId)).findFirst().orElseThrow();
  }

  @Test
  void schemasSurviveARoundTrip() {
    TableSchema schema = schema(16420);
    try (StateStore store = open("p3")) {
      store.storeTableSchema(schema);
    }
    try (StateStore again = open("p3")) {
      assertEquals(Optional.of(schema), again.loadTableSchema(16420));
    }
  }

  static TableSchema schema(int oid) {
    return new TableSchema(oid, new TableId("Sales", "Order Items"), List.of(
        new ColumnSchema("id", 20, -1, "bigint", false, true),
        new ColumnSchema("unit price", 1700, 655366, "numeric(10,2)", true, false),
        new ColumnSchema("tags", 1009, -1, "text[]", true, false)), 'd');
  }
}
