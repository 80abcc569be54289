package io.etl.core.schema;

import java.util.List;

/**
 * The shape of a replicated table.
 *
 * @param oid the table's OID on the source (stable identity across renames)
 * @param id its schema-qualified name
 * @param columns columns in attribute order (dropped and generated columns excluded)
 * @param replicaIdentity 'd' default (primary key), 'f' full, 'i' index, 'n' nothing
 */
public record TableSchema(int oid, TableId id, List<ColumnSchema> columns, char replicaIdentity) {

  public TableSchema {
    columns = List.copyOf(columns);
  }

  public boolean hasPrimaryKey() {
    return columns.stream().anyMatch(ColumnSchema::primaryKey);
  }

  public int columnCount() {
    return columns.size();
  }

  public int indexOf(String columnName) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(columnName)) {
        return i;
      }
    }
    return -1;
  }
}
