package io.etl.destinations.bigquery;

import io.etl.core.event.Row;

/** One row written to a table with a primary key: an UPSERT of its new values or a DELETE of its key. */
record ChangeRecord(ChangeType type, Row row, String sequenceNumber) {}
