package io.etl.core.sync;

import io.etl.core.event.Event;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.TableSchema;
import io.etl.core.state.StateStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shape of each table as the destination knows it. Workers update it in memory when they
 * emit a schema change; the store learns it only once the batch holding the change is durable at
 * the destination, so after a crash the change is computed and applied again (destinations apply
 * schema changes idempotently) instead of being lost.
 */
public final class TrackedSchemas {
  private final StateStore store;
  private final Map<Integer, TableSchema> current = new ConcurrentHashMap<>();

  public TrackedSchemas(StateStore store) {
    this.store = store;
  }

  /** The last known shape, or null if the table was never copied by this pipeline. */
  public TableSchema current(int oid) {
    return current.computeIfAbsent(oid, key -> store.loadTableSchema(key).orElse(null));
  }

  /** A copy starts with {@code schema}: the destination table is (re)created like it. */
  public void copied(TableSchema schema) {
    store.storeTableSchema(schema);
    current.put(schema.oid(), schema);
  }

  void emitted(TableSchema schema) {
    current.put(schema.oid(), schema);
  }

  /** Persists the schema changes of a batch the destination has made durable. */
  public void applied(List<Event> batch) {
    for (Event event : batch) {
      if (event instanceof SchemaChangeEvent change) {
        store.storeTableSchema(change.after());
      }
    }
  }
}
