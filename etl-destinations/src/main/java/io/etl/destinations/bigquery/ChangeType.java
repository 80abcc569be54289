package io.etl.destinations.bigquery;

/** BigQuery's CDC change types, the values of {@code _CHANGE_TYPE}. */
enum ChangeType {
  UPSERT,
  DELETE
}
