package io.etl.core.sync;

import io.etl.core.config.ResyncRequest;
import io.etl.core.schema.TableId;
import io.etl.core.state.ResyncRecord;
import io.etl.core.state.StateStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the config's re-sync requests at start-up, each request id once, ever: the store
 * remembers every id it took, so a request left in the config (in Git, re-applied by Argo CD) or
 * a restart does nothing. A table sent back to INIT is then copied by the normal path, which
 * empties its destination table first. A request for a table the publication does not hold is
 * recorded as refused; the pipeline runs on.
 */
public final class TableResyncs {
  private static final Logger log = LoggerFactory.getLogger(TableResyncs.class);
  private final StateStore store;
  private final TableStates tables;

  public TableResyncs(StateStore store, TableStates tables) {
    this.store = store;
    this.tables = tables;
  }

  /** Must run after the table states are loaded and before any worker starts. */
  public void perform(List<ResyncRequest> requests, String publication) {
    if (requests.isEmpty()) {
      return;
    }
    Set<String> recorded = store.recordedResyncs();
    for (ResyncRequest request : requests) {
      if (recorded.contains(request.requestId())) {
        continue;
      }
      Optional<Integer> oid = oidOf(request.table());
      if (oid.isEmpty()) {
        String detail = "table " + request.table() + " is not in publication " + publication
            + "; add it to the publication or fix the name in resync (schema.table)";
        store.refuseResync(request.requestId(), request.table(), ResyncRecord.UNKNOWN_TABLE, detail);
        log.warn("re-sync request {}: {}", request.requestId(), detail);
        continue;
      }
      tables.resetForResync(oid.get(), request.requestId());
      log.info("re-sync request {}: table {} goes back to init and is copied again", request.requestId(),
          request.table());
    }
  }

  private Optional<Integer> oidOf(String table) {
    for (Map.Entry<Integer, TableId> e : tables.names().entrySet()) {
      if (e.getValue().toString().equals(table)) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }
}
