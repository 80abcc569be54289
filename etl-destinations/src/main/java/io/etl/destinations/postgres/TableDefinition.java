package io.etl.destinations.postgres;

import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The DDL that creates a destination table like its source: same schema and table name, same
 * column names, types, NOT NULL and primary key. Types defined in the source database (enums,
 * domains, composite and other user types, OID ≥ 16384) do not exist in the destination and
 * become {@code text} ({@code text[]} for arrays of them); their text form is kept exactly.
 */
final class TableDefinition {
  private static final int FIRST_USER_OID = 16384;

  private TableDefinition() {}

  static List<String> createStatements(TableSchema schema) {
    TableId id = schema.id();
    List<String> columns = new ArrayList<>();
    List<String> key = new ArrayList<>();
    for (ColumnSchema column : schema.columns()) {
      columns.add(TableId.quoteIdentifier(column.name()) + " " + destinationType(column)
          + (column.nullable() ? "" : " NOT NULL"));
      if (column.primaryKey()) {
        key.add(TableId.quoteIdentifier(column.name()));
      }
    }
    if (!key.isEmpty()) {
      columns.add("PRIMARY KEY (" + String.join(", ", key) + ")");
    }
    return List.of(createSchemaStatement(schema),
        "CREATE TABLE IF NOT EXISTS " + id.quoted() + " (" + String.join(", ", columns) + ")");
  }

  static String createSchemaStatement(TableSchema schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + TableId.quoteIdentifier(schema.id().schema());
  }

  static String destinationType(ColumnSchema column) {
    boolean array = column.typeName() != null && column.typeName().endsWith("[]");
    if (Integer.toUnsignedLong(column.typeOid()) >= FIRST_USER_OID || column.typeName() == null) {
      return array ? "text[]" : "text";
    }
    return column.typeName();
  }
}
