package io.etl.destinations.postgres;

import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.ColumnChange;
import io.etl.core.schema.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Applies a source schema change to the destination table with ALTER TABLE, inside the CDC
 * transaction that carries it. Each step first looks at the destination table as it is, so
 * applying the same change again (a replay after a crash) does nothing.
 */
final class SchemaMigration {
  private SchemaMigration() {}

  /** Returns the destination table as it is afterwards. */
  static DestinationTable apply(Connection c, SchemaChangeEvent change) throws SQLException {
    TableId id = change.after().id();
    String table = id.quoted();
    DestinationTable current = DestinationTable.read(c, id);
    try (Statement s = c.createStatement()) {
      for (ColumnChange step : change.changes()) {
        if (step instanceof ColumnChange.Renamed r) {
          if (current.hasColumn(r.from()) && !current.hasColumn(r.to())) {
            s.execute("ALTER TABLE " + table + " RENAME COLUMN " + q(r.from()) + " TO " + q(r.to()));
          }
        } else if (step instanceof ColumnChange.Dropped d) {
          if (current.hasColumn(d.name())) {
            s.execute("ALTER TABLE " + table + " DROP COLUMN " + q(d.name()));
          }
        } else if (step instanceof ColumnChange.Added a) {
          if (!current.hasColumn(a.column().name())) {
            String type = TableDefinition.destinationType(a.column());
            String name = q(a.column().name());
            if (a.existingRowsValue() == null) {
              s.execute("ALTER TABLE " + table + " ADD COLUMN " + name + " " + type);
            } else {
              // a constant default fills the existing rows without a rewrite; later rows come
              // from the stream with their own values, so the default is not kept
              s.execute("ALTER TABLE " + table + " ADD COLUMN " + name + " " + type + " DEFAULT "
                  + literal(a.existingRowsValue()) + "::" + type);
              s.execute("ALTER TABLE " + table + " ALTER COLUMN " + name + " DROP DEFAULT");
            }
          }
        } else if (step instanceof ColumnChange.Retyped t) {
          if (current.hasColumn(t.column().name())) {
            String type = TableDefinition.destinationType(t.column());
            String name = q(t.column().name());
            s.execute("ALTER TABLE " + table + " ALTER COLUMN " + name + " TYPE " + type + " USING " + name + "::" + type);
          }
        }
        current = DestinationTable.read(c, id);
      }
    }
    return current;
  }

  private static String q(String identifier) {
    return TableId.quoteIdentifier(identifier);
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
