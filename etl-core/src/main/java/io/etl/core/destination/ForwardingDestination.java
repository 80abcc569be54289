package io.etl.core.destination;

import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Optional;

/**
 * Passes every call to another destination; a subclass overrides only the calls it observes
 * (counting, timing) and calls {@code super} to pass them on.
 */
public abstract class ForwardingDestination implements Destination {
  private final Destination target;

  protected ForwardingDestination(Destination target) {
    this.target = target;
  }

  public Destination target() {
    return target;
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
  public boolean takesCopyText(TableSchema schema) {
    return target.takesCopyText(schema);
  }

  @Override
  public void writeCopyText(TableSchema schema, byte[] text, int length, int rows) {
    target.writeCopyText(schema, text, length, rows);
  }

  @Override
  public WriteReport writeEvents(String streamId, List<Event> events) {
    return target.writeEvents(streamId, events);
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
