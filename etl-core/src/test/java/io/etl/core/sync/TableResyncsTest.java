package io.etl.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.config.ResyncRequest;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.TableId;
import io.etl.core.state.MemoryStateStore;
import io.etl.core.state.ResyncRecord;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableResyncsTest {
  private static final Map<Integer, TableId> PUBLISHED =
      Map.of(1, new TableId("public", "orders"), 2, new TableId("public", "items"), 3, new TableId("public", "users"));

  @Test
  void readyAndErroredTablesGoBackToInitOnceAndAnUnknownTableIsRecordedAsRefused() {
    MemoryStateStore store = new MemoryStateStore();
    store.updateTableState(1, TableState.at(TablePhase.READY, Lsn.parse("0/16B3748")));
    store.updateTableState(2, TableState.errored("insert failed.", "fix it."));
    store.updateTableState(3, TableState.at(TablePhase.READY, Lsn.parse("0/16B3748")));
    List<ResyncRequest> requests = List.of(new ResyncRequest("public.orders", "orders-1"),
        new ResyncRequest("public.items", "items-1"), new ResyncRequest("public.nope", "nope-1"));

    TableStates tables = TableStates.load(store, PUBLISHED);
    new TableResyncs(store, tables).perform(requests, "pub");

    assertEquals(TableState.init(), tables.get(1));
    assertEquals(TableState.init(), tables.get(2), "a re-sync of an errored table is its retry");
    assertEquals(TablePhase.READY, tables.get(3).phase(), "a table no request names is left alone");
    assertEquals(Map.of(1, TableState.init(), 2, TableState.init()), Map.of(1, store.loadTableStates().get(1),
        2, store.loadTableStates().get(2)), "persisted, not only in memory");
    Map<String, String> results = new java.util.HashMap<>();
    store.loadResyncs().forEach(r -> results.put(r.requestId(), r.result()));
    assertEquals(Map.of("orders-1", ResyncRecord.STARTED, "items-1", ResyncRecord.STARTED,
        "nope-1", ResyncRecord.UNKNOWN_TABLE), results);

    // the table is copied and ready again; the next start with the same requests does nothing
    store.updateTableState(1, TableState.at(TablePhase.READY, Lsn.parse("0/16C0000")));
    TableStates restarted = TableStates.load(store, PUBLISHED);
    new TableResyncs(store, restarted).perform(requests, "pub");
    assertEquals(TablePhase.READY, restarted.get(1).phase(), "a recorded requestId is not performed again");
    assertEquals(3, store.loadResyncs().size());
    assertEquals(ResyncRecord.DONE, store.loadResyncs().stream().filter(r -> r.requestId().equals("orders-1"))
        .findFirst().orElseThrow().result());
  }
}
