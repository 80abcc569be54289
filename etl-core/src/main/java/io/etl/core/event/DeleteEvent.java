package io.etl.core.event;

import io.etl.core.schema.TableSchema;

/**
 * A DELETE. With the default replica identity only key columns of {@code oldRow} are set
 * ({@code oldIsKeyOnly}); with REPLICA IDENTITY FULL all columns are.
 */
public record DeleteEvent(TxPosition position, TableSchema table, Row oldRow, boolean oldIsKeyOnly)
    implements ChangeEvent {
  @Override
  public long estimatedBytes() {
    return 48 + oldRow.estimatedBytes();
  }
}
