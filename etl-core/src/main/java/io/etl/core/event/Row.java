package io.etl.core.event;

import java.util.Arrays;

/**
 * The values of one row in PostgreSQL's text representation, in column order.
 *
 * <p>A {@code null} entry is SQL NULL. The entry {@link #UNCHANGED_TOAST} (compared by identity)
 * marks a TOASTed value that an UPDATE left unchanged and that pgoutput therefore did not send.
 * Values stay as text on the hot path; {@code io.etl.core.types.ValueDecoder} turns them into
 * typed Java values for the destinations that need them.
 */
public final class Row {
  /** Sentinel for an unchanged TOASTed value; never equal to any real value by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  public static final String UNCHANGED_TOAST = new String("<unchanged toast>");

  private final String[] values;

  public Row(String[] values) {
    this.values = values;
  }

  public static Row of(String... values) {
    return new Row(values);
  }

  public int size() {
    return values.length;
  }

  public String get(int column) {
    return values[column];
  }

  public boolean isNull(int column) {
    return values[column] == null;
  }

  public boolean isUnchangedToast(int column) {
    return values[column] == UNCHANGED_TOAST;
  }

  public boolean hasUnchangedToast() {
    for (String v : values) {
      if (v == UNCHANGED_TOAST) {
        return true;
      }
    }
    return false;
  }

  /** The raw array; callers must not modify it. */
  public String[] values() {
    return values;
  }

  /** Rough heap footprint, used to bound batches by bytes. */
  public long estimatedBytes() {
    long bytes = 16L + 8L * values.length;
    for (String v : values) {
      if (v != null) {
        bytes += 40L + v.length();
      }
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && Arrays.equals(values, r.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.toString(values);
  }
}
