package io.etl.core.types;

/**
 * Parses intervals printed with IntervalStyle {@code postgres} (the default:
 * {@code -1 years -2 mons +3 days -04:05:06.789}) or {@code postgres_verbose}
 * ({@code @ 1 year 2 mons 3 days 4 hours 5 mins 6.789 secs ago}).
 */
final class IntervalParser {
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
  private static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;

  private final String text;
  private int pos;
  private long months;
  private long days;
  private long micros;

  private IntervalParser(String text) {
    this.text = text;
  }

  static PgInterval parse(String text) {
    IntervalParser p = new IntervalParser(text);
    p.parseAll();
    return new PgInterval(Math.toIntExact(p.months), Math.toIntExact(p.days), p.micros);
  }

  private void parseAll() {
    skipSpaces();
    if (pos < text.length() && text.charAt(pos) == '@') {
      pos++;
      skipSpaces();
    }
    if (pos >= text.length()) {
      throw fail();
    }
    while (pos < text.length()) {
      int start = pos;
      int end = tokenEnd();
      if (text.indexOf(':', start) >= 0 && text.indexOf(':', start) < end) {
        micros = Math.addExact(micros, clock(start, end));
      } else if (text.startsWith("ago", start) && end - start == 3) {
        months = -months;
        days = -days;
        micros = -micros;
      } else {
        pos = end;
        skipSpaces();
        int unitStart = pos;
        int unitEnd = tokenEnd();
        unit(start, end, unitStart, unitEnd);
        end = unitEnd;
      }
      pos = end;
      skipSpaces();
    }
  }

  /** {@code [+-]H+:MM:SS[.ffffff]}, hours unbounded. */
  private long clock(int start, int end) {
    pos = start;
    boolean negative = sign();
    long hours = digits(end);
    expect(':');
    long minutes = digits(end);
    expect(':');
    long value = Math.addExact(Math.multiplyExact(hours, MICROS_PER_HOUR), minutes * MICROS_PER_MINUTE);
    value = Math.addExact(value, secondsInMicros(end));
    if (pos != end) {
      throw fail();
    }
    return negative ? -value : value;
  }

  private void unit(int numberStart, int numberEnd, int unitStart, int unitEnd) {
    pos = numberStart;
    boolean negative = sign();
    String unit = text.substring(unitStart, unitEnd);
    if (unit.startsWith("sec") || unitStart == unitEnd) {
      long value = secondsInMicros(numberEnd);
      micros = Math.addExact(micros, negative ? -value : value);
      return;
    }
    long value = digits(numberEnd);
    if (pos != numberEnd) {
      throw fail();
    }
    if (negative) {
      value = -value;
    }
    switch (unit) {
      case "year", "years" -> months = Math.addExact(months, Math.multiplyExact(value, 12));
      case "mon", "mons" -> months = Math.addExact(months, value);
      case "day", "days" -> days = Math.addExact(days, value);
      case "hour", "hours" -> micros = Math.addExact(micros, Math.multiplyExact(value, MICROS_PER_HOUR));
      case "min", "mins" -> micros = Math.addExact(micros, Math.multiplyExact(value, MICROS_PER_MINUTE));
      default -> throw fail();
    }
  }

  /** {@code SS[.ffffff]} at pos, as microseconds. */
  private long secondsInMicros(int end) {
    long seconds = digits(end);
    long fraction = 0;
    if (pos < end && text.charAt(pos) == '.') {
      pos++;
      int digits = 0;
      while (pos < end && Character.isDigit(text.charAt(pos))) {
        if (digits < 6) {
          fraction = fraction * 10 + (text.charAt(pos) - '0');
          digits++;
        }
        pos++;
      }
      for (; digits < 6; digits++) {
        fraction *= 10;
      }
    }
    return Math.addExact(Math.multiplyExact(seconds, MICROS_PER_SECOND), fraction);
  }

  private boolean sign() {
    char c = text.charAt(pos);
    if (c == '-' || c == '+') {
      pos++;
      return c == '-';
    }
    return false;
  }

  private long digits(int end) {
    int start = pos;
    long value = 0;
    while (pos < end && Character.isDigit(text.charAt(pos))) {
      value = Math.addExact(Math.multiplyExact(value, 10), text.charAt(pos) - '0');
      pos++;
    }
    if (pos == start) {
      throw fail();
    }
    return value;
  }

  private void expect(char c) {
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw fail();
    }
    pos++;
  }

  private int tokenEnd() {
    int end = pos;
    while (end < text.length() && text.charAt(end) != ' ') {
      end++;
    }
    return end;
  }

  private void skipSpaces() {
    while (pos < text.length() && text.charAt(pos) == ' ') {
      pos++;
    }
  }

  private IllegalArgumentException fail() {
    return new IllegalArgumentException("not an interval in postgres style: " + text);
  }
}
