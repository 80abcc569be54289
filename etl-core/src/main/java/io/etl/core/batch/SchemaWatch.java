package io.etl.core.batch;

import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.schema.TableSchema;

/** Notices that a change arrives with a table shape the destination has not been told about. */
@FunctionalInterface
public interface SchemaWatch {
  SchemaWatch NONE = relation -> null;

  /**
   * The schema change to apply before a change of {@code relation}, or null when there is none.
   *
   * @throws TableNeedsCopy when the change cannot be applied in place and the table must be
   *     copied again
   */
  SchemaChangeEvent changeBefore(TableSchema relation);
}
