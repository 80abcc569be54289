package io.etl.destinations.bigquery;

import io.etl.core.types.ValueKind;

/**
 * What one PostgreSQL column becomes in BigQuery.
 *
 * @param type the BigQuery type (of the elements, when {@code repeated})
 * @param repeated true for a PostgreSQL array, which becomes a REPEATED column
 * @param kind how the decoder shapes a value (of an element, when {@code repeated}); {@link
 *     ValueKind#UNKNOWN} means the text form itself is written
 */
record ColumnType(BigQueryType type, boolean repeated, ValueKind kind) {

  /** The type as BigQuery DDL spells it. */
  String ddl() {
    return repeated ? "ARRAY<" + type + ">" : type.name();
  }
}
