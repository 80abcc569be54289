package io.etl.destinations.bigquery;

import io.etl.core.error.EtlException;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How source names become BigQuery names. A table {@code schema.name} becomes {@code
 * schema_name} in the dataset, with each underscore of either part doubled first, so no two
 * source tables meet in one BigQuery table ({@code a_b.c} → {@code a__b_c}, {@code a.b_c} → {@code
 * a_b__c}). Columns keep their names; a name BigQuery or the Storage Write API cannot take is
 * refused with the column named.
 */
final class BigQueryNames {
  /** The table that records each stream's applied position. */
  static final String POSITIONS_TABLE = "_etl_positions";

  // letters, digits and underscores, not starting with a digit: what a protocol buffer field
  // name may be, and so what the Storage Write API can match to a column
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,299}");
  private static final Pattern TABLE_PART = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd} ]+");
  private static final int MAX_TABLE_NAME = 1024;

  private BigQueryNames() {}

  static String table(TableId id) {
    String name = part(id, id.schema()) + "_" + part(id, id.name());
    if (name.length() > MAX_TABLE_NAME) {
      throw EtlException.fatal("destination_unsupported_name",
          "table " + id + " would be named " + name.length() + " characters long in BigQuery, more than its "
              + MAX_TABLE_NAME + ".",
          "rename the table on the source, or leave it out of the publication.", null);
    }
    return name;
  }

  private static String part(TableId id, String part) {
    if (!TABLE_PART.matcher(part).matches()) {
      throw EtlException.fatal("destination_unsupported_name",
          "table " + id + " has a name BigQuery cannot take (only letters, marks, digits, connectors, dashes and"
              + " spaces are allowed).",
          "rename the table on the source, or leave it out of the publication.", null);
    }
    return part.replace("_", "__");
  }

  static String column(TableSchema table, ColumnSchema column) {
    String name = column.name();
    if (!COLUMN.matcher(name).matches() || name.toUpperCase(Locale.ROOT).startsWith("_CHANGE_")) {
      throw EtlException.fatal("destination_unsupported_name",
          "column " + TableId.quoteIdentifier(name) + " of " + table.id() + " has a name the BigQuery Storage Write API"
              + " cannot take (letters, digits and underscores only, not starting with a digit or _CHANGE_).",
          "rename the column on the source (ALTER TABLE " + table.id().quoted() + " RENAME COLUMN ...), then retry the"
              + " table.",
          null).forTable(table.oid());
    }
    return name;
  }

  /** A name quoted for GoogleSQL. */
  static String quoted(String name) {
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }
}
