package io.etl.core.batch;

/**
 * A table's source changed in a way its destination cannot follow change by change (see {@link
 * io.etl.core.schema.SchemaDiff}); the worker that met it hands the table back to a copy.
 */
public final class TableNeedsCopy extends RuntimeException {
  private final int oid;

  public TableNeedsCopy(int oid, String why) {
    super(why, null, false, false);
    this.oid = oid;
  }

  public int oid() {
    return oid;
  }
}
