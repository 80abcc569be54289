package io.etl.core.destination;

import io.etl.core.event.Event;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Optional;

/** PLACEHOLDER from the replicator-image branch so it compiles; the real class replaces it at merge. */
public final class MemoryDestination implements Destination {
  public MemoryDestination() {}

  @Override
  public void verify() {}

  @Override
  public void prepareTable(TableSchema schema) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void truncateTable(TableSchema schema) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void writeEvents(String streamId, List<Event> events) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public Optional<TxPosition> durablePosition(String streamId) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void close() {}
}
