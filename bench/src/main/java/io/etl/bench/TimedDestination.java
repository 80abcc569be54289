package io.etl.bench;

import io.etl.core.destination.Destination;
import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Optional;

/**
 * A destination passed through unchanged, noting when the first rows or changes arrived: how
 * much of a measured case went to start-up (connections, checks, slot and snapshot) rather than
 * to moving data.
 */
final class TimedDestination implements Destination {
  private final Destination target;
  private volatile long firstWriteNanos = -1;

  TimedDestination(Destination target) {
    this.target = target;
  }

  Destination target() {
    return target;
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
    written();
    target.writeTableRows(schema, rows);
  }

  @Override
  public void writeEvents(String streamId, List<Event> events) {
    written();
    target.writeEvents(streamId, events);
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
