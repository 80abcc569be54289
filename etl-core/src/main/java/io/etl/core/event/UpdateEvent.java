package io.etl.core.event;

import io.etl.core.schema.TableSchema;

/**
 * An UPDATE. {@code oldRow} is null unless the replica identity changed ({@code oldIsKeyOnly},
 * only key columns set, the rest null) or the table has REPLICA IDENTITY FULL (all columns).
 * Columns of {@code newRow} may be {@link Row#UNCHANGED_TOAST}.
 */
public record UpdateEvent(
    TxPosition position, TableSchema table, Row oldRow, boolean oldIsKeyOnly, Row newRow)
    implements ChangeEvent {
  @Override
  public long estimatedBytes() {
    return 48 + newRow.estimatedBytes() + (oldRow == null ? 0 : oldRow.estimatedBytes());
  }
}
