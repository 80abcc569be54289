package io.etl.destinations.bigquery;

import io.etl.core.error.EtlException;
import io.etl.core.event.ChangeEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.Objects;

/**
 * Turns one row change into the change records BigQuery applies to a table with a primary key.
 *
 * <ul>
 *   <li>INSERT → UPSERT; DELETE → DELETE of the old key.
 *   <li>UPDATE → UPSERT of the new row; when it moved the row to another key, first a DELETE of the
 *       old key (same sequence number: they touch different keys).
 *   <li>An UPSERT replaces the whole BigQuery row, so a TOASTed value the UPDATE left unchanged
 *       (and pgoutput did not send) must come from somewhere: it is taken from the old row, which
 *       the source sends whole under REPLICA IDENTITY FULL. Without it the change is refused with
 *       that fix, rather than NULL written over the stored value.
 * </ul>
 */
final class ChangeRecords {
  private ChangeRecords() {}

  /**
   * @param keyColumns the BigQuery table's primary key columns
   */
  static List<ChangeRecord> of(ChangeEvent event, List<String> keyColumns) {
    String sequence = ChangeSequence.of(event.position());
    if (event instanceof InsertEvent insert) {
      return List.of(new ChangeRecord(ChangeType.UPSERT, insert.newRow(), sequence));
    }
    if (event instanceof DeleteEvent delete) {
      return List.of(new ChangeRecord(ChangeType.DELETE, delete.oldRow(), sequence));
    }
    if (event instanceof UpdateEvent update) {
      Row newRow = withToastFromOldRow(update);
      if (update.oldRow() != null && keyChanged(update.table(), keyColumns, update.oldRow(), newRow)) {
        return List.of(new ChangeRecord(ChangeType.DELETE, update.oldRow(), sequence),
            new ChangeRecord(ChangeType.UPSERT, newRow, sequence));
      }
      return List.of(new ChangeRecord(ChangeType.UPSERT, newRow, sequence));
    }
    throw new IllegalArgumentException("not a row change: " + event.getClass().getSimpleName());
  }

  private static Row withToastFromOldRow(UpdateEvent update) {
    Row newRow = update.newRow();
    if (!newRow.hasUnchangedToast()) {
      return newRow;
    }
    Row oldRow = update.oldRow();
    String[] values = newRow.values().clone();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != Row.UNCHANGED_TOAST) {
        continue;
      }
      if (oldRow == null || update.oldIsKeyOnly() || oldRow.isUnchangedToast(i)) {
        TableSchema table = update.table();
        throw EtlException.fatal("destination_unchanged_toast",
            "an UPDATE of " + table.id() + " left the TOASTed column " + table.columns().get(i).name()
                + " unchanged and the source did not send its value; BigQuery replaces whole rows, so writing it"
                + " would put NULL over the stored value.",
            "run ALTER TABLE " + table.id().quoted() + " REPLICA IDENTITY FULL on the source, then retry the table"
                + " (it is copied again).",
            null).forTable(table.oid());
      }
      values[i] = oldRow.get(i);
    }
    return new Row(values);
  }

  private static boolean keyChanged(TableSchema table, List<String> keyColumns, Row oldRow, Row newRow) {
    for (String key : keyColumns) {
      int i = table.indexOf(key);
      if (i >= 0 && !Objects.equals(oldRow.get(i), newRow.get(i)) && oldRow.get(i) != null) {
        return true;
      }
    }
    return false;
  }
}
