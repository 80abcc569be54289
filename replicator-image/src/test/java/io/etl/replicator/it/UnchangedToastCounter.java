package io.etl.replicator.it;

import io.etl.core.destination.Destination;
import io.etl.core.destination.ForwardingDestination;
import io.etl.core.destination.WriteReport;
import io.etl.core.event.Event;
import io.etl.core.event.UpdateEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passes everything to another destination and counts the UPDATEs that arrived with an unchanged
 * TOAST value, so a test can show it exercised that path and not only whole rows.
 */
final class UnchangedToastCounter extends ForwardingDestination {
  private final Map<String, AtomicLong> updates = new ConcurrentHashMap<>();

  UnchangedToastCounter(Destination target) {
    super(target);
  }

  /** Per table name (without schema). */
  long updatesWithUnchangedToast(String table) {
    AtomicLong count = updates.get(table);
    return count == null ? 0 : count.get();
  }

  @Override
  public WriteReport writeEvents(String streamId, List<Event> events) {
    for (Event event : events) {
      if (event instanceof UpdateEvent update && update.newRow().hasUnchangedToast()) {
        updates.computeIfAbsent(update.table().id().name(), t -> new AtomicLong()).incrementAndGet();
      }
    }
    return super.writeEvents(streamId, events);
  }
}
