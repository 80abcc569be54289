package io.etl.destinations.bigquery;

/**
 * What one PostgreSQL column becomes in BigQuery.
 *
 * @param type the BigQuery type (of the elements, when {@code repeated})
 * @param repeated true for a PostgreSQL array, which becomes a REPEATED column
 */
record ColumnType(BigQueryType type, boolean repeated) {

  /** The type as BigQuery DDL spells it. */
  String ddl() {
    return repeated ? "ARRAY<" + type + ">" : type.name();
  }
}
