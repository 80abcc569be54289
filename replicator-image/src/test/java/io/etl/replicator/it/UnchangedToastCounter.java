package io.etl.replicator.it;

import io.etl.core.destination.Destination;
import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes everything to another destination and counts the UPDATEs that arrived with an unchanged
 * TOAST value, so a test can show it exercised that path and not only whole rows.
 */
final class UnchangedToastCounter implements Destination {
  private final Destination target;
  private final Map<String, AtomicLong> updates = new ConcurrentHashMap<>();

  UnchangedToastCounter(Destination target) {
    this.target = target;
  }

  /** Per table name (without schema). */
  long updatesWithUnchangedToast(String table) {
    AtomicLong count = updates.get(table);
    return count == null ? 0 : count.get();
  }

  @Override
  public void writeEvents(String streamId, List<Event> events) {
    for (Event event : events) {
      if (event instanceof UpdateEvent update && update.newRow().hasUnchangedToast()) {
        updates.computeIfAbsent(update.table().id().name(), t -> new AtomicLong()).incrementAndGet();
      }
    }
    target.writeEvents(streamId, events);
  }

  @Override
  public void verify() {
    target.verify();
  }

  @Override
  public void prepareTable(TableSchema schema) {
    target.prepareTable(schema);
  }

  @Override
  public void truncateTable(TableSchema schema) {
    target.truncateTable(schema);
  }

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    target.writeTableRows(schema, rows);
  }

  @Override
  public Optional<TxPosition> durablePosition(String streamId) {
    return target.durablePosition(streamId);
  }

  @Override
  public void close() {
    target.close();
  }
}
