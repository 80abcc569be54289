package io.etl.core.types;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Parses date and time values in the text form PostgreSQL prints with {@code DateStyle = ISO}
 * (what pgjdbc and the replication protocol use): {@code 2024-01-15}, {@code 0044-03-15 BC},
 * {@code 04:05:06.789}, {@code 04:05:06+05:30}, {@code 2024-01-15 04:05:06.5+00:53:28 BC},
 * {@code infinity}. Years BC map to the proleptic ISO year {@code 1 - year}, as in java.time.
 * Malformed text throws {@link IllegalArgumentException} (or an index exception).
 */
final class DateTimeParser {
  private final String text;
  private int pos;
  private int year;
  private int month;
  private int day;

  private DateTimeParser(String text) {
    this.text = text;
  }

  static Object date(String text) {
    Object special = infinity(text);
    if (special != null) {
      return special;
    }
    DateTimeParser p = new DateTimeParser(text);
    p.datePart();
    boolean bc = p.era();
    p.end();
    return p.date(bc);
  }

  static Object timestamp(String text) {
    Object special = infinity(text);
    if (special != null) {
      return special;
    }
    DateTimeParser p = new DateTimeParser(text);
    p.datePart();
    p.expect(' ');
    LocalTime time = p.timePart();
    boolean bc = p.era();
    p.end();
    return LocalDateTime.of(p.date(bc), time);
  }

  static Object timestampTz(String text) {
    Object special = infinity(text);
    if (special != null) {
      return special;
    }
    DateTimeParser p = new DateTimeParser(text);
    p.datePart();
    p.expect(' ');
    LocalTime time = p.timePart();
    ZoneOffset offset = p.offset();
    boolean bc = p.era();
    p.end();
    return OffsetDateTime.of(p.date(bc), time, offset);
  }

  static LocalTime time(String text) {
    DateTimeParser p = new DateTimeParser(text);
    LocalTime time = p.timePart();
    p.end();
    return time;
  }

  static OffsetTime timeTz(String text) {
    DateTimeParser p = new DateTimeParser(text);
    LocalTime time = p.timePart();
    ZoneOffset offset = p.offset();
    p.end();
    return OffsetTime.of(time, offset);
  }

  private static Object infinity(String text) {
    if (text.equals("infinity")) {
      return PgSpecial.POSITIVE_INFINITY;
    }
    if (text.equals("-infinity")) {
      return PgSpecial.NEGATIVE_INFINITY;
    }
    return null;
  }

  private void datePart() {
    year = number(4, 9);
    expect('-');
    month = number(2, 2);
    expect('-');
    day = number(2, 2);
  }

  /** The parsed date; built only once the era is known, since 29 Feb exists in 1 BC but not 1 AD. */
  private LocalDate date(boolean bc) {
    // PostgreSQL has no year 0: 1 BC is ISO year 0, 44 BC is ISO year -43.
    return LocalDate.of(bc ? 1 - year : year, month, day);
  }

  private LocalTime timePart() {
    int hour = number(2, 2);
    expect(':');
    int minute = number(2, 2);
    expect(':');
    int second = number(2, 2);
    int nanos = 0;
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      int start = pos;
      int fraction = number(1, 9);
      for (int digits = pos - start; digits < 9; digits++) {
        fraction *= 10;
      }
      nanos = fraction;
    }
    if (hour == 24 && minute == 0 && second == 0 && nanos == 0) {
      // PostgreSQL allows 24:00:00 for time; java.time cannot hold it (pgjdbc does the same).
      return LocalTime.MAX;
    }
    return LocalTime.of(hour, minute, second, nanos);
  }

  private ZoneOffset offset() {
    char sign = text.charAt(pos++);
    if (sign != '+' && sign != '-') {
      throw new IllegalArgumentException("expected a UTC offset in: " + text);
    }
    int hours = number(2, 2);
    int minutes = 0;
    int seconds = 0;
    if (pos < text.length() && text.charAt(pos) == ':') {
      pos++;
      minutes = number(2, 2);
      if (pos < text.length() && text.charAt(pos) == ':') {
        pos++;
        seconds = number(2, 2);
      }
    }
    int s = sign == '-' ? -1 : 1;
    return ZoneOffset.ofHoursMinutesSeconds(s * hours, s * minutes, s * seconds);
  }

  private boolean era() {
    if (text.startsWith(" BC", pos)) {
      pos += 3;
      return true;
    }
    return false;
  }

  private int number(int minDigits, int maxDigits) {
    int start = pos;
    int value = 0;
    while (pos < text.length() && pos - start < maxDigits) {
      char c = text.charAt(pos);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
      pos++;
    }
    if (pos - start < minDigits) {
      throw new IllegalArgumentException("expected digits at " + start + " in: " + text);
    }
    return value;
  }

  private void expect(char c) {
    if (pos >= text.length() || text.charAt(pos) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in: " + text);
    }
    pos++;
  }

  private void end() {
    if (pos != text.length()) {
      throw new IllegalArgumentException("unexpected text at " + pos + " in: " + text);
    }
  }
}
