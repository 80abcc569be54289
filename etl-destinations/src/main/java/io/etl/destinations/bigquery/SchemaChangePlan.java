package io.etl.destinations.bigquery;

import io.etl.core.error.EtlException;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.ColumnChange;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements that bring a BigQuery table along with a source schema change, planned against
 * the table as it is so that planning the same change again (a replay) yields nothing to do.
 *
 * <ul>
 *   <li>Added column: {@code ADD COLUMN}; when the rows that existed hold a value (a constant
 *       DEFAULT on the source), an {@code UPDATE} fills it into the rows where it is still NULL.
 *   <li>Dropped column: {@code DROP COLUMN}, as on the source.
 *   <li>Renamed column: {@code RENAME COLUMN}.
 *   <li>Type change: nothing when the BigQuery type stays the same (e.g. int4 → int8, varchar(10)
 *       → text); {@code SET DATA TYPE} for the widenings BigQuery performs in place (INT64 →
 *       NUMERIC, BIGNUMERIC or FLOAT64; NUMERIC → BIGNUMERIC or FLOAT64). Any other change is
 *       refused for that table with a fatal error: retrying the table copies it again into a table
 *       created anew, so no value is ever dropped or converted behind the user's back.
 * </ul>
 */
final class SchemaChangePlan {
  private static final Set<String> IN_PLACE_WIDENINGS = Set.of(
      "INT64>NUMERIC", "INT64>BIGNUMERIC", "INT64>FLOAT64", "NUMERIC>BIGNUMERIC", "NUMERIC>FLOAT64");

  private SchemaChangePlan() {}

  /**
   * @param qualified the table as {@code `project.dataset.table`}
   * @param current the table as BigQuery has it now
   */
  static List<String> statements(SchemaChangeEvent change, BigQueryTable current, String qualified, TypeMapping mapping) {
    Map<String, String> columns = new LinkedHashMap<>(current.columns());
    TableSchema after = change.after();
    List<String> sql = new ArrayList<>();
    String alter = "ALTER TABLE " + qualified + " ";
    for (ColumnChange step : change.changes()) {
      if (step instanceof ColumnChange.Renamed r) {
        if (columns.containsKey(r.from()) && !columns.containsKey(r.to())) {
          BigQueryNames.column(after, column(after, r.to()));
          sql.add(alter + "RENAME COLUMN " + BigQueryNames.quoted(r.from()) + " TO " + BigQueryNames.quoted(r.to()));
          columns.put(r.to(), columns.remove(r.from()));
        }
      } else if (step instanceof ColumnChange.Dropped d) {
        if (columns.containsKey(d.name())) {
          sql.add(alter + "DROP COLUMN " + BigQueryNames.quoted(d.name()));
          columns.remove(d.name());
        }
      } else if (step instanceof ColumnChange.Added a) {
        String name = BigQueryNames.column(after, a.column());
        if (!columns.containsKey(name)) {
          ColumnType type = mapping.map(a.column());
          sql.add(alter + "ADD COLUMN " + BigQueryNames.quoted(name) + " " + type.ddl());
          if (a.existingRowsValue() != null) {
            sql.add("UPDATE " + qualified + " SET " + BigQueryNames.quoted(name) + " = "
                + literal(a.existingRowsValue(), type) + " WHERE " + BigQueryNames.quoted(name) + " IS NULL");
          }
          columns.put(name, type.ddl());
        }
      } else if (step instanceof ColumnChange.Retyped t) {
        String name = t.column().name();
        String from = columns.get(name);
        String to = mapping.map(t.column()).ddl();
        if (from == null || from.equals(to)) {
          continue;
        }
        if (!IN_PLACE_WIDENINGS.contains(from + ">" + to)) {
          throw EtlException.fatal("destination_schema_change_unsupported",
              "column " + name + " of " + after.id() + " changed type to " + TypeMapping.sourceTypeName(t.column())
                  + ", which would turn BigQuery " + from + " into " + to + "; BigQuery cannot convert that in place.",
              "retry the table: it is copied again into a BigQuery table created with the new type.",
              null).forTable(after.oid());
        }
        sql.add(alter + "ALTER COLUMN " + BigQueryNames.quoted(name) + " SET DATA TYPE " + to);
        columns.put(name, to);
      }
    }
    return sql;
  }

  private static ColumnSchema column(TableSchema table, String name) {
    int i = table.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("column " + name + " is not in " + table.id());
    }
    return table.columns().get(i);
  }

  /** The existing rows' value as a GoogleSQL expression of the column's type, from PostgreSQL's text form. */
  static String literal(String text, ColumnType type) {
    if (type.repeated()) {
      throw EtlException.fatal("destination_schema_change_unsupported",
          "an array column was added with a non-NULL default, which the BigQuery destination does not fill in place.",
          "retry the table: it is copied again with the column's values.", null);
    }
    return switch (type.type()) {
      case STRING -> quoted(text);
      case BOOL -> text.startsWith("t") ? "TRUE" : "FALSE";
      case JSON -> "PARSE_JSON(" + quoted(text) + ")";
      case BYTES -> text.startsWith("\\x") ? "FROM_HEX(" + quoted(text.substring(2)) + ")" : "CAST(" + quoted(text) + " AS BYTES)";
      default -> "CAST(" + quoted(text) + " AS " + type.type() + ")";
    };
  }

  private static String quoted(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
