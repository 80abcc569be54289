package io.etl.core.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What changed between two versions of a table's columns, as pgoutput's Relation messages show
 * them: names and types in attribute order, no attribute numbers. A rename is therefore only
 * recognised when it is the only kind of change (same column count, the differing names at the
 * same positions with the same types); anything that mixes a rename with other changes cannot be
 * told apart from a drop plus an add, and is reported as ambiguous, so the caller copies the table
 * again rather than guess and lose a column's values.
 */
public final class SchemaDiff {
  private SchemaDiff() {}

  /**
   * @return the changes (empty when the columns are the same), or empty Optional when ambiguous
   */
  public static Optional<List<ColumnChange>> between(TableSchema before, TableSchema after) {
    List<ColumnSchema> old = before.columns();
    List<ColumnSchema> now = after.columns();
    Set<String> oldNames = names(old);
    Set<String> newNames = names(now);
    List<ColumnSchema> removed = old.stream().filter(c -> !newNames.contains(c.name())).toList();
    List<ColumnSchema> added = now.stream().filter(c -> !oldNames.contains(c.name())).toList();
    List<ColumnChange> changes = new ArrayList<>();
    if (!removed.isEmpty() && !added.isEmpty()) {
      Optional<List<ColumnChange>> renames = renamesOnly(old, now);
      if (renames.isEmpty()) {
        return Optional.empty();
      }
      changes.addAll(renames.get());
    } else {
      removed.forEach(c -> changes.add(new ColumnChange.Dropped(c.name())));
      added.forEach(c -> changes.add(new ColumnChange.Added(c, null)));
    }
    for (ColumnSchema column : now) {
      int i = before.indexOf(column.name());
      if (i >= 0 && !sameType(old.get(i), column)) {
        changes.add(new ColumnChange.Retyped(column));
      }
    }
    return Optional.of(changes);
  }

  private static Optional<List<ColumnChange>> renamesOnly(List<ColumnSchema> old, List<ColumnSchema> now) {
    if (old.size() != now.size()) {
      return Optional.empty();
    }
    List<ColumnChange> renames = new ArrayList<>();
    for (int i = 0; i < old.size(); i++) {
      ColumnSchema was = old.get(i);
      ColumnSchema is = now.get(i);
      if (was.name().equals(is.name())) {
        continue;
      }
      if (!sameType(was, is)) {
        return Optional.empty();
      }
      renames.add(new ColumnChange.Renamed(was.name(), is.name()));
    }
    // a name that moved to another position (a swap of names) is no rename we can trust
    Set<String> oldNames = names(old);
    for (ColumnChange change : renames) {
      if (oldNames.contains(((ColumnChange.Renamed) change).to())) {
        return Optional.empty();
      }
    }
    return Optional.of(renames);
  }

  private static boolean sameType(ColumnSchema a, ColumnSchema b) {
    return a.typeOid() == b.typeOid() && a.typeModifier() == b.typeModifier();
  }

  private static Set<String> names(List<ColumnSchema> columns) {
    Set<String> names = new HashSet<>();
    columns.forEach(c -> names.add(c.name()));
    return names;
  }
}
