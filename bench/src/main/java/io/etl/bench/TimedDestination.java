package io.etl.bench;

import io.etl.core.destination.Destination;
import io.etl.core.destination.ForwardingDestination;
import io.etl.core.destination.WriteReport;
import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.schema.TableSchema;
import java.util.List;

/**
 * A destination passed through unchanged, noting when the first rows or changes arrived: how
 * much of a measured case went to start-up (connections, checks, slot and snapshot) rather than
 * to moving data.
 */
final class TimedDestination extends ForwardingDestination {
  private volatile long firstWriteNanos = -1;

  TimedDestination(Destination target) {
    super(target);
  }

  /** {@link System#nanoTime()} of the first write, or -1 if nothing was written. */
  long firstWriteNanos() {
    return firstWriteNanos;
  }

  private void written() {
    if (firstWriteNanos < 0) {
      firstWriteNanos = System.nanoTime();
    }
  }

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    written();
    super.writeTableRows(schema, rows);
  }

  @Override
  public void writeCopyText(TableSchema schema, byte[] text, int length, int rows) {
    written();
    super.writeCopyText(schema, text, length, rows);
  }

  @Override
  public WriteReport writeEvents(String streamId, List<Event> events) {
    written();
    return super.writeEvents(streamId, events);
  }
}
