package io.etl.destinations.postgres;

import io.etl.core.event.Row;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Sends a {@link CollapsedChanges.Plan} for one table as at most five statements, each taking one
 * {@code text[]} parameter per column and reading the rows back with {@code unnest}: {@code
 * DELETE … USING unnest(…)} (twice: deletes whose miss is drift, and the others), {@code INSERT …
 * SELECT … FROM unnest(…) ON CONFLICT (key) DO UPDATE}, {@code UPDATE … FROM unnest(…)}, and a
 * plain {@code INSERT … SELECT} for a table without a key. Each value is cast from text to the
 * destination column's type (without its modifier, which the column's assignment applies), so
 * values arrive exactly as the one-statement-per-change path's untyped text parameters do.
 *
 * <p>A plan's keys are distinct, so a DELETE's or UPDATE's row count is the number of keys that
 * matched, and the keys that did not are the unmatched changes.
 */
final class SetStatements {
  private final TableSchema relation;
  private final DestinationTable table;
  private final int[] keyIndexes;
  private final String upsert;
  private final String update;
  private final String delete;
  private final String append;

  /** @param keyIndexes the relation's column positions of the destination's key columns, in key order */
  SetStatements(TableSchema relation, DestinationTable table, int[] keyIndexes) {
    this.relation = relation;
    this.table = table;
    this.keyIndexes = keyIndexes;
    List<String> names = relation.columns().stream().map(c -> c.name()).toList();
    String target = table.id().quoted();
    String columns = names.stream().map(TableId::quoteIdentifier).collect(Collectors.joining(", "));
    String rows = unnest(names.size());
    String values = IntStream.range(0, names.size()).mapToObj(i -> cast(i, names.get(i))).collect(Collectors.joining(", "));
    this.append = "INSERT INTO " + target + " (" + columns + ") SELECT " + values + " FROM " + rows;
    if (keyIndexes.length == 0) {
      upsert = update = delete = null;
      return;
    }
    List<String> keys = table.keyColumns();
    List<String> sets = new ArrayList<>();
    List<String> fromExcluded = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (!keys.contains(names.get(i))) {
        String q = TableId.quoteIdentifier(names.get(i));
        sets.add(q + " = " + cast(i, names.get(i)));
        fromExcluded.add(q + " = EXCLUDED." + q);
      }
    }
    String keyList = keys.stream().map(TableId::quoteIdentifier).collect(Collectors.joining(", "));
    this.upsert = append + " ON CONFLICT (" + keyList + ")"
        + (fromExcluded.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ", fromExcluded));
    String byKey = IntStream.range(0, keys.size())
        .mapToObj(k -> "d." + TableId.quoteIdentifier(keys.get(k)) + " = " + cast(keyIndexes[k], keys.get(k)))
        .collect(Collectors.joining(" AND "));
    if (sets.isEmpty()) {
      // a table of key columns only: an UPDATE that keeps the key changes nothing but still matches
      String first = TableId.quoteIdentifier(keys.get(0));
      sets.add(first + " = d." + first);
    }
    this.update = "UPDATE " + target + " AS d SET " + String.join(", ", sets) + " FROM " + rows + " WHERE " + byKey;
    // the delete reads key columns only, at the unnest positions of the key's relation columns
    String keyRows = unnest(keys.size());
    String keyMatch = IntStream.range(0, keys.size())
        .mapToObj(k -> "d." + TableId.quoteIdentifier(keys.get(k)) + " = v.c" + k + "::" + table.typeOf(keys.get(k)))
        .collect(Collectors.joining(" AND "));
    this.delete = "DELETE FROM " + target + " AS d USING " + keyRows + " WHERE " + keyMatch;
  }

  /** @return the changes that matched no row */
  long apply(Connection c, CollapsedChanges.Plan plan) throws SQLException {
    long unmatched = plan.knownUnmatched();
    if (!plan.countedDeletes().isEmpty()) {
      unmatched += plan.countedDeletes().size() - execute(c, delete, keyColumns(c, plan.countedDeletes()));
    }
    if (!plan.uncountedDeletes().isEmpty()) {
      execute(c, delete, keyColumns(c, plan.uncountedDeletes()));
    }
    if (!plan.upserts().isEmpty()) {
      execute(c, upsert, columns(c, plan.upserts()));
    }
    if (!plan.updates().isEmpty()) {
      unmatched += plan.updates().size() - execute(c, update, columns(c, plan.updates()));
    }
    if (!plan.appends().isEmpty()) {
      execute(c, append, columns(c, plan.appends()));
    }
    return unmatched;
  }

  private static long execute(Connection c, String sql, Array[] parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setArray(i + 1, parameters[i]);
      }
      return ps.executeLargeUpdate();
    } finally {
      for (Array a : parameters) {
        a.free();
      }
    }
  }

  /** One text array per relation column, row i of the plan at index i. */
  private Array[] columns(Connection c, List<Row> rows) throws SQLException {
    Array[] arrays = new Array[relation.columnCount()];
    for (int col = 0; col < arrays.length; col++) {
      String[] values = new String[rows.size()];
      for (int r = 0; r < values.length; r++) {
        values[r] = rows.get(r).get(col);
      }
      arrays[col] = c.createArrayOf("text", values);
    }
    return arrays;
  }

  private Array[] keyColumns(Connection c, List<List<String>> keys) throws SQLException {
    Array[] arrays = new Array[keyIndexes.length];
    for (int k = 0; k < arrays.length; k++) {
      String[] values = new String[keys.size()];
      for (int r = 0; r < values.length; r++) {
        values[r] = keys.get(r).get(k);
      }
      arrays[k] = c.createArrayOf("text", values);
    }
    return arrays;
  }

  /** {@code unnest(?::text[], …) AS v(c0, …)}. */
  private static String unnest(int columns) {
    return "unnest(" + IntStream.range(0, columns).mapToObj(i -> "?::text[]").collect(Collectors.joining(", "))
        + ") AS v(" + IntStream.range(0, columns).mapToObj(i -> "c" + i).collect(Collectors.joining(", ")) + ")";
  }

  private String cast(int relationIndex, String column) {
    return "v.c" + relationIndex + "::" + table.typeOf(column);
  }
}
