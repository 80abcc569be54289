package io.etl.core.schema;

/** One column-level difference between two versions of a table, in the order to apply them. */
public sealed interface ColumnChange {

  /**
   * A new column. {@code existingRowsValue} is the text of the value the rows that existed before
   * it hold (a constant DEFAULT), or null when they hold NULL.
   */
  record Added(ColumnSchema column, String existingRowsValue) implements ColumnChange {}

  record Dropped(String name) implements ColumnChange {}

  record Renamed(String from, String to) implements ColumnChange {}

  /** Same name, another type (or type modifier): {@code column} carries the new one. */
  record Retyped(ColumnSchema column) implements ColumnChange {}
}
