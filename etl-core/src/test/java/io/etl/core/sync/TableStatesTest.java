package io.etl.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.replication.Lsn;
import io.etl.core.schema.TableId;
import io.etl.core.state.MemoryStateStore;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableStatesTest {
  private static final Map<Integer, TableId> PUBLISHED = Map.of(1, new TableId("public", "a"), 2, new TableId("public", "b"));

  @Test
  void loadStartsNewTablesAtInitAndForgetsTablesThatLeftThePublication() {
    MemoryStateStore store = new MemoryStateStore();
    store.updateTableState(1, TableState.at(TablePhase.READY, Lsn.parse("0/10")));
    store.updateTableState(3, TableState.of(TablePhase.READY));
    TableStates tables = TableStates.load(store, PUBLISHED);
    assertEquals(Map.of(1, TableState.at(TablePhase.READY, Lsn.parse("0/10")), 2, TableState.init()), tables.snapshot());
    assertEquals(tables.snapshot(), store.loadTableStates(), "the store holds the same");
  }

  @Test
  void aNewApplySlotResetsEveryTableAndRecordsItsIncarnationInTheStore() {
    MemoryStateStore store = new MemoryStateStore();
    store.updateTableState(1, TableState.at(TablePhase.READY, Lsn.parse("0/10")));
    TableStates tables = TableStates.load(store, PUBLISHED);
    assertTrue(tables.resetForNewApplySlot("x"), "a table had been copied");
    assertEquals(Map.of(1, TableState.init(), 2, TableState.init()), store.loadTableStates());
    assertEquals(Optional.of("x"), store.applySlotIncarnation());
    assertFalse(tables.resetForNewApplySlot("y"), "nothing had been copied since");
  }

  @Test
  void aTransitionFromAPhaseItIsNotWrittenForFailsAndChangesNothing() {
    MemoryStateStore store = new MemoryStateStore();
    store.updateTableState(1, TableState.at(TablePhase.READY, Lsn.parse("0/10")));
    TableStates tables = TableStates.load(store, PUBLISHED);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tables.startCopy(1));
    assertTrue(e.getMessage().contains("table public.a (oid 1) cannot start its copy from phase ready"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> tables.finishCopy(2));
    assertThrows(IllegalStateException.class, () -> tables.syncDone(2, Lsn.parse("0/20")));
    assertThrows(IllegalStateException.class, () -> tables.copyAgain(2));
    assertEquals(TableState.at(TablePhase.READY, Lsn.parse("0/10")), store.loadTableStates().get(1));
    assertEquals(TableState.init(), store.loadTableStates().get(2));
  }

  @Test
  void everyTransitionIsToldToTheListenersAfterItIsPersisted() throws Exception {
    MemoryStateStore store = new MemoryStateStore();
    TableStates tables = TableStates.load(store, PUBLISHED);
    java.util.List<String> seen = new java.util.ArrayList<>();
    tables.listen((oid, from, to) -> seen.add(oid + ":" + from.phase().label() + "->"
        + (to == null ? "gone" : to.phase().label()) + (to != null && to.phase().persisted()
            ? " stored " + store.loadTableStates().get(oid).phase().label() : "")));
    tables.startCopy(1);
    tables.finishCopy(1);
    tables.errored(2, "broken", "fix it");
    tables.retry(2);
    tables.remove(2);
    assertEquals(java.util.List.of("1:init->data_sync stored data_sync", "1:data_sync->finished_copy stored finished_copy",
        "2:init->errored stored errored", "2:errored->init stored init", "2:init->gone"), seen);
  }
}
