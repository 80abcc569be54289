package io.etl.core.event;

import io.etl.core.schema.TableSchema;

public record InsertEvent(TxPosition position, TableSchema table, Row newRow) implements ChangeEvent {
  @Override
  public long estimatedBytes() {
    return 48 + newRow.estimatedBytes();
  }
}
