package io.etl.core.config;

import java.util.List;

/**
 * The inclusive range a numeric setting (or the length of a text setting) must lie in. These are
 * the one set of limits: the replicator's loader checks them, and the operator's tests check that
 * the CRD's schema states the same minimum and maximum for the field it renders into this one.
 */
public record Range(long min, long max) {

  public boolean contains(long value) {
    return value >= min && value <= max;
  }

  /** Adds one line naming {@code field} and the allowed range when {@code value} lies outside it. */
  public void check(String field, long value, List<String> problems) {
    if (!contains(value)) {
      problems.add(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  /** As {@link #check}, for the length of a text value, which the message does not repeat. */
  public void checkLength(String field, String value, List<String> problems) {
    int length = value.codePointCount(0, value.length());
    if (!contains(length)) {
      problems.add(field + " must be " + min + " to " + max + " characters long, got " + length);
    }
  }
}
