package io.etl.destinations.bigquery;

import com.google.cloud.bigquery.storage.v1.BigDecimalByteStringEncoder;
import com.google.cloud.bigquery.storage.v1.CivilTimeEncoder;
import com.google.protobuf.ByteString;
import io.etl.core.types.PgInterval;
import io.etl.core.types.PgJson;
import io.etl.core.types.PgSpecial;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Turns one decoded PostgreSQL value into the protocol buffer value its BigQuery column takes.
 *
 * <p>±infinity of date, timestamp and timestamptz become the smallest and largest value BigQuery
 * holds (0001-01-01 and 9999-12-31 23:59:59.999999), which no finite source value in that range
 * can be confused with in practice; time 24:00:00 (which the decoder reads as the last instant of
 * the day) becomes 23:59:59.999999. NaN and ±Infinity of float4/float8 are written as they are
 * (FLOAT64 holds them). What BigQuery cannot hold at all (numeric NaN or ±Infinity, an interval
 * of ±infinity, a date outside years 1-9999, more fractional digits than the column keeps, a NULL
 * inside an array, a multi-dimensional array) is refused with {@link UnwritableValue}, never
 * rounded or dropped.
 */
final class ValueEncoder {
  static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
  static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);
  static final LocalDateTime MIN_DATETIME = MIN_DATE.atStartOfDay();
  static final LocalDateTime MAX_DATETIME = LocalDateTime.of(MAX_DATE, LocalTime.of(23, 59, 59, 999_999_000));
  private static final int NUMERIC_SCALE = 9;
  private static final int BIGNUMERIC_SCALE = 38;
  private static final BigDecimal NUMERIC_LIMIT = new BigDecimal("1e29");
  private static final BigDecimal BIGNUMERIC_LIMIT = new BigDecimal("1e38");

  /** A value the column's BigQuery type cannot hold; the message says why, without the value. */
  static final class UnwritableValue extends IllegalArgumentException {
    UnwritableValue(String why) {
      super(why);
    }
  }

  private ValueEncoder() {}

  /** The repeated field's values; a NULL array is written as an empty one. */
  static List<Object> encodeArray(BigQueryType type, Object decoded) {
    if (!(decoded instanceof List<?> elements)) {
      throw new UnwritableValue("the array's text could not be read as an array");
    }
    return elements.stream().map(element -> {
      if (element == null) {
        throw new UnwritableValue("the array holds a NULL element, which a BigQuery ARRAY cannot hold");
      }
      if (element instanceof List<?>) {
        throw new UnwritableValue("the array has more than one dimension, which a BigQuery ARRAY cannot have");
      }
      return encode(type, element);
    }).toList();
  }

  static Object encode(BigQueryType type, Object value) {
    return switch (type) {
      case BOOL -> as(Boolean.class, value, type);
      case INT64 -> as(Number.class, value, type).longValue();
      case FLOAT64 -> as(Number.class, value, type).doubleValue();
      case NUMERIC -> numeric(value, NUMERIC_SCALE, NUMERIC_LIMIT, type);
      case BIGNUMERIC -> numeric(value, BIGNUMERIC_SCALE, BIGNUMERIC_LIMIT, type);
      case STRING -> value.toString();
      case BYTES -> ByteString.copyFrom(as(byte[].class, value, type));
      case DATE -> (int) date(value).toEpochDay();
      // PostgreSQL keeps microseconds; only 24:00:00, decoded as LocalTime.MAX, has finer digits
      case TIME -> CivilTimeEncoder.encodePacked64TimeMicrosLocalTime(
          as(LocalTime.class, value, type).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      case DATETIME -> CivilTimeEncoder.encodePacked64DatetimeMicrosLocalDateTime(datetime(value));
      case TIMESTAMP -> timestampMicros(value);
      case INTERVAL -> interval(value);
      case JSON -> as(PgJson.class, value, type).text();
    };
  }

  private static <T> T as(Class<T> expected, Object value, BigQueryType type) {
    if (!expected.isInstance(value)) {
      throw new UnwritableValue("its text could not be read as a value for a BigQuery " + type + " column");
    }
    return expected.cast(value);
  }

  private static ByteString numeric(Object value, int maxScale, BigDecimal limit, BigQueryType type) {
    if (value instanceof PgSpecial special) {
      throw new UnwritableValue("numeric " + special(special) + " has no BigQuery " + type + " counterpart");
    }
    BigDecimal decimal = as(BigDecimal.class, value, type);
    BigDecimal exact = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
    if (exact.scale() > maxScale) {
      throw new UnwritableValue("a value has " + exact.scale() + " fractional digits; BigQuery " + type
          + " keeps " + maxScale + " and would round it");
    }
    if (exact.abs().compareTo(limit) >= 0) {
      throw new UnwritableValue("a value has more integer digits than BigQuery " + type + " holds");
    }
    return type == BigQueryType.NUMERIC
        ? BigDecimalByteStringEncoder.encodeToNumericByteString(exact)
        : BigDecimalByteStringEncoder.encodeToBigNumericByteString(exact);
  }

  private static String special(PgSpecial special) {
    return switch (special) {
      case NAN -> "NaN";
      case POSITIVE_INFINITY -> "Infinity";
      case NEGATIVE_INFINITY -> "-Infinity";
    };
  }

  private static LocalDate date(Object value) {
    if (value == PgSpecial.POSITIVE_INFINITY) {
      return MAX_DATE;
    }
    if (value == PgSpecial.NEGATIVE_INFINITY) {
      return MIN_DATE;
    }
    LocalDate date = as(LocalDate.class, value, BigQueryType.DATE);
    if (date.isBefore(MIN_DATE) || date.isAfter(MAX_DATE)) {
      throw new UnwritableValue("a date lies outside years 1 to 9999, BigQuery's range");
    }
    return date;
  }

  private static LocalDateTime datetime(Object value) {
    if (value == PgSpecial.POSITIVE_INFINITY) {
      return MAX_DATETIME;
    }
    if (value == PgSpecial.NEGATIVE_INFINITY) {
      return MIN_DATETIME;
    }
    LocalDateTime datetime = as(LocalDateTime.class, value, BigQueryType.DATETIME);
    if (datetime.isBefore(MIN_DATETIME) || datetime.isAfter(MAX_DATETIME)) {
      throw new UnwritableValue("a timestamp lies outside years 1 to 9999, BigQuery's range");
    }
    return datetime;
  }

  private static long timestampMicros(Object value) {
    Instant instant;
    if (value == PgSpecial.POSITIVE_INFINITY) {
      instant = MAX_DATETIME.toInstant(ZoneOffset.UTC);
    } else if (value == PgSpecial.NEGATIVE_INFINITY) {
      instant = MIN_DATETIME.toInstant(ZoneOffset.UTC);
    } else {
      instant = as(OffsetDateTime.class, value, BigQueryType.TIMESTAMP).toInstant();
      if (instant.isBefore(MIN_DATETIME.toInstant(ZoneOffset.UTC)) || instant.isAfter(MAX_DATETIME.toInstant(ZoneOffset.UTC))) {
        throw new UnwritableValue("a timestamp lies outside years 1 to 9999, BigQuery's range");
      }
    }
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
  }

  /** BigQuery's canonical INTERVAL literal: {@code [-]Y-M [-]D [-]H:M:S.F}, each part signed on its own as PostgreSQL keeps them. */
  private static String interval(Object value) {
    if (value instanceof PgSpecial special) {
      throw new UnwritableValue("interval " + (special == PgSpecial.POSITIVE_INFINITY ? "infinity" : "-infinity")
          + " has no BigQuery INTERVAL counterpart");
    }
    PgInterval interval = as(PgInterval.class, value, BigQueryType.INTERVAL);
    int months = interval.months();
    long micros = interval.micros();
    String monthSign = months < 0 ? "-" : "";
    String timeSign = micros < 0 ? "-" : "";
    long m = Math.abs((long) months);
    long t = Math.abs(micros);
    return String.format("%s%d-%d %d %s%d:%d:%d.%06d", monthSign, m / 12, m % 12, interval.days(), timeSign,
        t / 3_600_000_000L, t / 60_000_000L % 60, t / 1_000_000L % 60, t % 1_000_000L);
  }
}
