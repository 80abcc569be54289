package io.etl.destinations.postgres;

import io.etl.core.destination.WriteReport;
import io.etl.core.error.EtlException;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies changes inside one open destination transaction, by one of two paths per table.
 *
 * <p>Set-based, for the common changes: INSERTs, DELETEs by primary key and UPDATEs that keep
 * the key and carry every value are folded per key ({@link CollapsedChanges}: the last change of
 * a key wins, in source order) and sent as a few statements with array parameters ({@link
 * SetStatements}); a table without a key sends its inserts as one multi-row INSERT. Under the
 * pgbench pattern (a few hot rows updated by every transaction) a batch thus writes each row
 * once, in one statement per table and kind.
 *
 * <p>One statement per change, for the rest: UPDATEs with unchanged TOAST values or a changed
 * key, and UPDATEs and DELETEs of a table without a key. Changes of the same shape (table, kind,
 * columns) share one prepared statement and go as one JDBC batch.
 *
 * <p>Each table has at most one pending run, of either path: a change that takes the other path
 * first sends that table's run, so each table's changes keep their source order, while changes
 * to different tables (which the destination links by no constraint) may go in separate runs.
 * TRUNCATE and schema changes send every pending run first.
 *
 * <p>Values travel as text and the server casts them to the destination column's type. Rows are
 * found by the destination table's primary key; a table without one is matched on all old values
 * (which needs REPLICA IDENTITY FULL on the source), one row at a time. UPDATEs and DELETEs that
 * match no row are counted per table (set-based: per distinct key, see {@link CollapsedChanges}).
 */
final class ChangeApplier implements AutoCloseable {
  private final Connection connection;
  private final Function<TableId, DestinationTable> tables;
  private final Map<TableSchema, int[]> columnMaps = new IdentityHashMap<>();
  private final Map<TableSchema, Map<String, PreparedStatement>> statements = new IdentityHashMap<>();
  private final Map<Integer, PreparedStatement> pending = new java.util.LinkedHashMap<>();
  /** Per table OID, its pending set-based run. */
  private final Map<Integer, SetRun> runs = new LinkedHashMap<>();
  /** UPDATE and DELETE statements: each must match a row, and a count of 0 says it did not. */
  private final Set<PreparedStatement> matching = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final WriteReport.Builder report = new WriteReport.Builder();
  private int failedOid = -1;

  ChangeApplier(Connection connection, Function<TableId, DestinationTable> tables) {
    this.connection = connection;
    this.tables = tables;
  }

  void insert(InsertEvent insert) throws SQLException {
    TableSchema relation = insert.table();
    DestinationTable table = tables.apply(relation.id());
    columnMap(relation, table);
    SetRun run = setRun(relation, table);
    if (run != null) {
      if (!run.changes.insert(insert.newRow())) {
        sendRun(relation.oid());
        setRun(relation, table).changes.insert(insert.newRow());
      }
      return;
    }
    PreparedStatement ps = statement(relation, "I", () -> insertSql(relation, table));
    Row row = insert.newRow();
    for (int i = 0; i < row.size(); i++) {
      ps.setObject(i + 1, row.get(i), Types.OTHER);
    }
    ps.addBatch();
  }

  void update(UpdateEvent update) throws SQLException {
    TableSchema relation = update.table();
    DestinationTable table = tables.apply(relation.id());
    int[] map = columnMap(relation, table);
    Row newRow = update.newRow();
    BitSet changed = new BitSet(newRow.size());
    for (int i = 0; i < newRow.size(); i++) {
      if (!newRow.isUnchangedToast(i)) {
        changed.set(i);
      }
    }
    Row identity = update.oldRow() != null ? update.oldRow() : newRow;
    if (!table.hasKey()) {
      requireFullOldRow(update.oldRow(), update.oldIsKeyOnly(), relation.id(), "UPDATE");
    } else if (update.oldRow() != null && update.oldIsKeyOnly()) {
      requireKeyInOldRow(relation, table, "UPDATE");
    }
    if (table.hasKey() && changed.cardinality() == newRow.size() && sameKey(relation, table, identity, newRow)) {
      SetRun run = setRun(relation, table);
      if (run != null) {
        run.changes.update(newRow);
        return;
      }
    }
    PreparedStatement ps = statement(relation, "U" + changed, () -> updateSql(relation, table, changed));
    matching.add(ps);
    int p = 1;
    for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
      ps.setObject(p++, newRow.get(i), Types.OTHER);
    }
    bindIdentity(ps, p, relation, table, map, identity);
    ps.addBatch();
  }

  void delete(DeleteEvent delete) throws SQLException {
    TableSchema relation = delete.table();
    DestinationTable table = tables.apply(relation.id());
    int[] map = columnMap(relation, table);
    if (!table.hasKey()) {
      requireFullOldRow(delete.oldRow(), delete.oldIsKeyOnly(), relation.id(), "DELETE");
    } else if (delete.oldIsKeyOnly()) {
      requireKeyInOldRow(relation, table, "DELETE");
    }
    if (table.hasKey()) {
      SetRun run = setRun(relation, table);
      if (run != null) {
        run.changes.delete(delete.oldRow());
        return;
      }
    }
    PreparedStatement ps = statement(relation, "D", () -> deleteSql(relation, table));
    matching.add(ps);
    bindIdentity(ps, 1, relation, table, map, delete.oldRow());
    ps.addBatch();
  }

  void truncate(TruncateEvent truncate) throws SQLException {
    flush();
    String names = truncate.tables().stream().map(t -> t.id().quoted()).collect(Collectors.joining(", "));
    try (Statement s = connection.createStatement()) {
      s.execute("TRUNCATE " + names);
    }
  }

  /** Sends every pending batch. */
  void flush() throws SQLException {
    for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      send(e.getKey(), e.getValue());
      it.remove();
    }
    for (int oid : List.copyOf(runs.keySet())) {
      sendRun(oid);
    }
  }

  /** A table's pending set-based run: its changes so far and the statements that send them. */
  private record SetRun(TableSchema relation, CollapsedChanges changes, SetStatements statements) {}

  /**
   * The table's set-based run, started (after sending the table's pending JDBC batch) if need be;
   * null when the relation lacks a destination key column, which only the per-change path handles.
   */
  private SetRun setRun(TableSchema relation, DestinationTable table) throws SQLException {
    SetRun run = runs.get(relation.oid());
    if (run != null && run.relation() == relation) {
      return run;
    }
    int[] keyIndexes = new int[table.keyColumns().size()];
    for (int k = 0; k < keyIndexes.length; k++) {
      keyIndexes[k] = relation.indexOf(table.keyColumns().get(k));
      if (keyIndexes[k] < 0) {
        return null;
      }
    }
    if (run != null) {
      // a new Relation message for the table: its run so far goes with the statements it was built for
      sendRun(relation.oid());
    }
    PreparedStatement batch = pending.remove(relation.oid());
    if (batch != null) {
      send(relation.oid(), batch);
    }
    run = new SetRun(relation, new CollapsedChanges(keyIndexes), new SetStatements(relation, table, keyIndexes));
    runs.put(relation.oid(), run);
    return run;
  }

  private void sendRun(int oid) throws SQLException {
    SetRun run = runs.remove(oid);
    if (run == null || run.changes().isEmpty()) {
      return;
    }
    try {
      report.unmatched(oid, run.statements().apply(connection, run.changes().plan()));
    } catch (SQLException e) {
      failedOid = oid;
      throw e;
    }
  }

  /** Whether an UPDATE keeps the destination key: no old row (the key did not change), or equal key values. */
  private static boolean sameKey(TableSchema relation, DestinationTable table, Row identity, Row newRow) {
    for (String key : table.keyColumns()) {
      int i = relation.indexOf(key);
      if (i < 0 || !Objects.equals(identity.get(i), newRow.get(i))) {
        return false;
      }
    }
    return true;
  }

  private void send(int oid, PreparedStatement batch) throws SQLException {
    try {
      int[] counts = batch.executeBatch();
      if (matching.contains(batch)) {
        report.unmatched(oid, Arrays.stream(counts).filter(count -> count == 0).count());
      }
    } catch (SQLException e) {
      failedOid = oid;
      throw e;
    }
  }

  /** What the changes sent so far showed; meaningful once the transaction commits. */
  WriteReport report() {
    return report.build();
  }

  /** The table whose batched statements failed, when a flush failed. */
  java.util.OptionalInt failedTable() {
    return failedOid < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(failedOid);
  }

  @Override
  public void close() {
    for (Map<String, PreparedStatement> byShape : statements.values()) {
      for (PreparedStatement ps : byShape.values()) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // closing with the transaction
        }
      }
    }
  }

  @FunctionalInterface
  private interface SqlText {
    String get();
  }

  /** The statement for a relation (by identity: one per Relation message) and a change shape. */
  private PreparedStatement statement(TableSchema relation, String shape, SqlText sql) throws SQLException {
    Map<String, PreparedStatement> byShape = statements.computeIfAbsent(relation, r -> new HashMap<>());
    PreparedStatement ps = byShape.get(shape);
    if (ps == null) {
      ps = connection.prepareStatement(sql.get());
      byShape.put(shape, ps);
    }
    sendRun(relation.oid());
    PreparedStatement current = pending.get(relation.oid());
    if (current != ps) {
      if (current != null) {
        send(relation.oid(), current);
      }
      pending.put(relation.oid(), ps);
    }
    return ps;
  }

  /** For each relation column, its position in the destination table; fails on a missing column. */
  private int[] columnMap(TableSchema relation, DestinationTable table) {
    return columnMaps.computeIfAbsent(relation, r -> {
      int[] map = new int[r.columnCount()];
      for (int i = 0; i < map.length; i++) {
        String name = r.columns().get(i).name();
        if (!table.hasColumn(name)) {
          throw EtlException.fatal("destination_schema_mismatch",
              "column " + TableId.quoteIdentifier(name) + " of " + r.id().quoted()
                  + " does not exist in the destination table.",
              "add the column to the destination table (or retry the table to copy it again).", null);
        }
        map[i] = table.positions().get(name);
      }
      return map;
    });
  }

  private static String insertSql(TableSchema relation, DestinationTable table) {
    List<String> names = relation.columns().stream().map(ColumnSchema::name).toList();
    String columns = names.stream().map(TableId::quoteIdentifier).collect(Collectors.joining(", "));
    String values = names.stream().map(n -> "?").collect(Collectors.joining(", "));
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table.id().quoted())
        .append(" (").append(columns).append(") VALUES (").append(values).append(")");
    if (table.hasKey()) {
      List<String> updates = new ArrayList<>();
      for (String name : names) {
        if (!table.keyColumns().contains(name)) {
          String q = TableId.quoteIdentifier(name);
          updates.add(q + " = EXCLUDED." + q);
        }
      }
      sql.append(" ON CONFLICT (")
          .append(table.keyColumns().stream().map(TableId::quoteIdentifier).collect(Collectors.joining(", ")))
          .append(updates.isEmpty() ? ") DO NOTHING" : ") DO UPDATE SET " + String.join(", ", updates));
    }
    return sql.toString();
  }

  private static String updateSql(TableSchema relation, DestinationTable table, BitSet changed) {
    List<String> sets = new ArrayList<>();
    for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
      sets.add(TableId.quoteIdentifier(relation.columns().get(i).name()) + " = ?");
    }
    if (sets.isEmpty()) {
      // every non-key value was an unchanged TOAST value: touch nothing
      String first = TableId.quoteIdentifier(table.columns().get(0));
      sets.add(first + " = " + first);
    }
    return "UPDATE " + table.id().quoted() + " SET " + String.join(", ", sets) + " WHERE " + identityCondition(relation, table);
  }

  private static String deleteSql(TableSchema relation, DestinationTable table) {
    return "DELETE FROM " + table.id().quoted() + " WHERE " + identityCondition(relation, table);
  }

  /** The primary key, or, for a table without one, exactly one row equal to the old values. */
  private static String identityCondition(TableSchema relation, DestinationTable table) {
    if (table.hasKey()) {
      return table.keyColumns().stream().map(k -> TableId.quoteIdentifier(k) + " = ?").collect(Collectors.joining(" AND "));
    }
    String all = relation.columns().stream()
        .map(c -> TableId.quoteIdentifier(c.name()) + " IS NOT DISTINCT FROM ?")
        .collect(Collectors.joining(" AND "));
    return "ctid = (SELECT ctid FROM " + table.id().quoted() + " WHERE " + all + " LIMIT 1)";
  }

  private static void bindIdentity(PreparedStatement ps, int first, TableSchema relation, DestinationTable table,
      int[] map, Row identity) throws SQLException {
    int p = first;
    if (table.hasKey()) {
      for (String key : table.keyColumns()) {
        int relationIndex = relation.indexOf(key);
        ps.setObject(p++, relationIndex < 0 ? null : identity.get(relationIndex), Types.OTHER);
      }
    } else {
      for (int i = 0; i < map.length; i++) {
        ps.setObject(p++, identity.get(i), Types.OTHER);
      }
    }
  }

  /**
   * With REPLICA IDENTITY USING INDEX the old row carries that index's columns, not the primary
   * key the destination matches on; matching on nulls would silently change nothing.
   */
  private static void requireKeyInOldRow(TableSchema relation, DestinationTable table, String what) {
    for (String key : table.keyColumns()) {
      int i = relation.indexOf(key);
      if (i < 0 || !relation.columns().get(i).primaryKey()) {
        throw EtlException.fatal("destination_replica_identity_not_key",
            "an " + what + " of " + relation.id().quoted() + " cannot be applied: the source sends the columns of its"
                + " replica identity index, which are not the primary key the destination matches rows on.",
            "run ALTER TABLE " + relation.id().quoted() + " REPLICA IDENTITY DEFAULT (or FULL) on the source, then"
                + " copy the table again.",
            null);
      }
    }
  }

  private static void requireFullOldRow(Row oldRow, boolean keyOnly, TableId id, String what) {
    if (oldRow == null || keyOnly) {
      throw EtlException.fatal("destination_no_replica_identity",
          "an " + what + " of " + id.quoted() + " cannot be applied: the table has no primary key and the source"
              + " does not send whole old rows.",
          "run ALTER TABLE " + id.quoted() + " REPLICA IDENTITY FULL on the source (or add a primary key), then retry the table.",
          null);
    }
  }
}
