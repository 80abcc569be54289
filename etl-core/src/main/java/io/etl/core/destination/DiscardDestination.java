package io.etl.core.destination;

import io.etl.core.event.ChangeEvent;
import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accepts everything and keeps nothing but counts ({@code destination.type: discard}): for
 * benchmarks, so that what is measured is the pipeline's own cost (reading, decoding, building
 * rows and events, batching) and not a destination's. It tracks no position: a replay only adds
 * to the counts, and nothing it holds can be wrong.
 */
public final class DiscardDestination implements Destination {
  // LongAdder: writeTableRows is called concurrently by every table sync worker
  private final LongAdder rows = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder changes = new LongAdder();

  @Override
  public void verify() {}

  @Override
  public void prepareTable(TableSchema schema) {}

  @Override
  public void truncateTable(TableSchema schema) {}

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    this.rows.add(rows.size());
  }

  @Override
  public WriteReport writeEvents(String streamId, List<Event> events) {
    long changeCount = 0;
    for (Event event : events) {
      if (event instanceof ChangeEvent) {
        changeCount++;
      }
    }
    this.events.add(events.size());
    this.changes.add(changeCount);
    return WriteReport.NONE;
  }

  @Override
  public Optional<TxPosition> durablePosition(String streamId) {
    return Optional.empty();
  }

  /** Copied rows written so far. */
  public long rowsWritten() {
    return rows.sum();
  }

  /** Events written so far, transaction boundaries included. */
  public long eventsWritten() {
    return events.sum();
  }

  /** Of {@link #eventsWritten()}, the row changes and truncates. */
  public long changesWritten() {
    return changes.sum();
  }

  @Override
  public void close() {}
}
