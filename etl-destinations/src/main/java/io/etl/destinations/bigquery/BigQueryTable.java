package io.etl.destinations.bigquery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table as it is in BigQuery: its columns with their types as DDL spells them (e.g. {@code
 * INT64}, {@code ARRAY<STRING>}), in order, and its primary key (empty: rows are only appended).
 */
record BigQueryTable(String name, Map<String, String> columns, List<String> keyColumns) {

  BigQueryTable {
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    keyColumns = List.copyOf(keyColumns);
  }

  boolean keyed() {
    return !keyColumns.isEmpty();
  }

  boolean hasColumn(String column) {
    return columns.containsKey(column);
  }
}
