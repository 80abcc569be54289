package io.etl.core.types;

/** Special values of numeric, date, timestamp and interval that have no Java counterpart. */
public enum PgSpecial {
  /** numeric {@code NaN}. */
  NAN,
  /** {@code infinity} / numeric {@code Infinity}. */
  POSITIVE_INFINITY,
  /** {@code -infinity} / numeric {@code -Infinity}. */
  NEGATIVE_INFINITY
}
