package io.etl.core.destination;

import io.etl.core.error.EtlException;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.ColumnChange;
import java.util.HashMap;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps replicated tables in memory, for tests and demos. Rows of a table with a key are kept by
 * key (so applying a change twice is harmless); rows of a table without one are kept as a list
 * and matched on all columns. Replays at or before a stream's durable position are skipped,
 * as the PostgreSQL destination does.
 */
public final class MemoryDestination implements Destination {
  private final Map<TableId, MemoryTable> tables = new ConcurrentHashMap<>();
  private final Map<String, TxPosition> positions = new ConcurrentHashMap<>();

  /** One table's rows. */
  private static final class MemoryTable {
    final List<String> columns;
    final int[] keyColumns;
    final Map<List<String>, Row> byKey = new LinkedHashMap<>();
    final List<Row> unkeyed = new ArrayList<>();

    MemoryTable(TableSchema schema) {
      columns = schema.columns().stream().map(ColumnSchema::name).toList();
      keyColumns = keyIndexes(schema);
    }

    boolean keyed() {
      return keyColumns.length > 0;
    }

    List<String> key(Row row) {
      String[] key = new String[keyColumns.length];
      for (int i = 0; i < key.length; i++) {
        key[i] = row.get(keyColumns[i]);
      }
      return Arrays.asList(key);
    }

    synchronized void upsert(Row row) {
      if (keyed()) {
        byKey.put(key(row), row);
      } else {
        unkeyed.add(row);
      }
    }

    /** False when no row matched (the new row is stored all the same, as an upsert). */
    synchronized boolean update(Row oldRow, Row newRow) {
      Row previous = keyed() ? byKey.remove(key(oldRow == null ? newRow : oldRow)) : removeMatching(oldRow);
      String[] merged = newRow.values().clone();
      for (int i = 0; i < merged.length; i++) {
        if (merged[i] == Row.UNCHANGED_TOAST) {
          merged[i] = previous == null ? null : previous.get(i);
        }
      }
      upsert(new Row(merged));
      return previous != null;
    }

    /** False when no row matched. */
    synchronized boolean delete(Row oldRow) {
      return (keyed() ? byKey.remove(key(oldRow)) : removeMatching(oldRow)) != null;
    }

    private Row removeMatching(Row oldRow) {
      if (oldRow == null) {
        throw EtlException.fatal("destination_no_replica_identity",
            "an UPDATE or DELETE arrived for a table without a primary key and without REPLICA IDENTITY FULL.",
            "run ALTER TABLE … REPLICA IDENTITY FULL on the source table.", null);
      }
      for (int i = 0; i < unkeyed.size(); i++) {
        if (unkeyed.get(i).equals(oldRow)) {
          return unkeyed.remove(i);
        }
      }
      return null;
    }

    /** The same rows in the table's new shape: renamed columns keep their values, added ones get the existing-row value. */
    synchronized MemoryTable reshaped(SchemaChangeEvent change) {
      Map<String, String> renamedFrom = new HashMap<>();
      Map<String, String> addedValue = new HashMap<>();
      for (ColumnChange c : change.changes()) {
        if (c instanceof ColumnChange.Renamed r) {
          renamedFrom.put(r.to(), r.from());
        } else if (c instanceof ColumnChange.Added a) {
          addedValue.put(a.column().name(), a.existingRowsValue());
        }
      }
      MemoryTable next = new MemoryTable(change.after());
      for (Row row : rows()) {
        String[] values = new String[next.columns.size()];
        for (int i = 0; i < values.length; i++) {
          String name = next.columns.get(i);
          int old = columns.indexOf(renamedFrom.getOrDefault(name, name));
          values[i] = old >= 0 ? row.get(old) : addedValue.get(name);
        }
        next.upsert(new Row(values));
      }
      return next;
    }

    synchronized void truncate() {
      byKey.clear();
      unkeyed.clear();
    }

    synchronized List<Row> rows() {
      List<Row> rows = new ArrayList<>(byKey.values());
      rows.addAll(unkeyed);
      return rows;
    }
  }

  private static int[] keyIndexes(TableSchema schema) {
    List<ColumnSchema> columns = schema.columns();
    return java.util.stream.IntStream.range(0, columns.size()).filter(i -> columns.get(i).primaryKey()).toArray();
  }

  @Override
  public void verify() {}

  @Override
  public void prepareTable(TableSchema schema) {
    tables.computeIfAbsent(schema.id(), id -> new MemoryTable(schema));
  }

  @Override
  public void truncateTable(TableSchema schema) {
    table(schema).truncate();
  }

  @Override
  public void writeTableRows(TableSchema schema, List<Row> rows) {
    MemoryTable table = table(schema);
    for (Row row : rows) {
      table.upsert(row);
    }
  }

  @Override
  public synchronized WriteReport writeEvents(String streamId, List<Event> events) {
    Unapplied unapplied = Unapplied.after(positions.getOrDefault(streamId, TxPosition.NONE), events);
    WriteReport.Builder report = new WriteReport.Builder();
    for (Event event : unapplied.changes()) {
      if (event instanceof SchemaChangeEvent change) {
        tables.put(change.after().id(), table(change.before()).reshaped(change));
      } else if (event instanceof InsertEvent insert) {
        table(insert.table()).upsert(insert.newRow());
      } else if (event instanceof UpdateEvent update) {
        if (!table(update.table()).update(update.oldRow(), update.newRow())) {
          report.unmatched(update.table().oid(), 1);
        }
      } else if (event instanceof DeleteEvent delete) {
        if (!table(delete.table()).delete(delete.oldRow())) {
          report.unmatched(delete.table().oid(), 1);
        }
      } else if (event instanceof TruncateEvent truncate) {
        truncate.tables().forEach(t -> table(t).truncate());
      }
    }
    positions.put(streamId, unapplied.last());
    return report.build();
  }

  @Override
  public Optional<TxPosition> durablePosition(String streamId) {
    return Optional.ofNullable(positions.get(streamId));
  }

  private MemoryTable table(TableSchema schema) {
    return tables.computeIfAbsent(schema.id(), id -> new MemoryTable(schema));
  }

  /** The rows of a table, keyed rows first in insertion order. */
  public List<Row> rows(TableId id) {
    MemoryTable table = tables.get(id);
    return table == null ? List.of() : table.rows();
  }

  public long rowCount(TableId id) {
    return rows(id).size();
  }

  public Set<TableId> tables() {
    return new TreeSet<>(tables.keySet());
  }

  @Override
  public void close() {}
}
