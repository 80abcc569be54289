package io.etl.core.types;

/**
 * A PostgreSQL interval as it is stored: months, days and microseconds are independent fields
 * (a month is not a fixed number of days, nor a day of microseconds, across DST changes).
 */
public record PgInterval(int months, int days, long micros) {

  /**
   * Parses the {@code postgres} (default) or {@code postgres_verbose} IntervalStyle output, e.g.
   * {@code 1 year 2 mons 3 days 04:05:06.789}, {@code -00:00:01} or {@code @ 1 day 2 hours ago}.
   *
   * @throws IllegalArgumentException when the text is not such an interval (also for
   *     {@code infinity}, which has no PgInterval form)
   */
  public static PgInterval parse(String text) {
    return IntervalParser.parse(text);
  }
}
