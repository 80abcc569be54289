package io.etl.core.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.event.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ValueDecoderTest {
  private final ValueDecoder decoder = new ValueDecoder();

  private Object decode(BuiltinType type, String text) {
    return decoder.decode(type.oid(), text);
  }

  private Object decodeArray(BuiltinType element, String text) {
    return decoder.decode(element.arrayOid(), text);
  }

  @Test
  void integersAndBooleans() {
    assertEquals((short) -32768, decode(BuiltinType.INT2, "-32768"));
    assertEquals(2147483647, decode(BuiltinType.INT4, "2147483647"));
    assertEquals(Long.MIN_VALUE, decode(BuiltinType.INT8, "-9223372036854775808"));
    assertEquals(Boolean.TRUE, decode(BuiltinType.BOOL, "t"));
    assertEquals(Boolean.FALSE, decode(BuiltinType.BOOL, "f"));
  }

  @Test
  void numericKeepsScaleAndSpecialValues() {
    assertEquals(new BigDecimal("-12345678901234567890.1200"), decode(BuiltinType.NUMERIC, "-12345678901234567890.1200"));
    assertEquals(4, ((BigDecimal) decode(BuiltinType.NUMERIC, "1.0000")).scale());
    assertSame(PgSpecial.NAN, decode(BuiltinType.NUMERIC, "NaN"));
    assertSame(PgSpecial.POSITIVE_INFINITY, decode(BuiltinType.NUMERIC, "Infinity"));
    assertSame(PgSpecial.NEGATIVE_INFINITY, decode(BuiltinType.NUMERIC, "-Infinity"));
  }

  @Test
  void floatsIncludingNanAndInfinities() {
    assertEquals(1.5f, decode(BuiltinType.FLOAT4, "1.5"));
    assertTrue(((Float) decode(BuiltinType.FLOAT4, "NaN")).isNaN());
    assertEquals(Float.NEGATIVE_INFINITY, decode(BuiltinType.FLOAT4, "-Infinity"));
    assertEquals(1.0E-300, decode(BuiltinType.FLOAT8, "1e-300"));
    assertTrue(((Double) decode(BuiltinType.FLOAT8, "NaN")).isNaN());
    assertEquals(Double.POSITIVE_INFINITY, decode(BuiltinType.FLOAT8, "Infinity"));
    assertEquals(Double.NEGATIVE_INFINITY, decode(BuiltinType.FLOAT8, "-Infinity"));
  }

  @Test
  void textLikeTypesStayStrings() {
    for (BuiltinType t : List.of(BuiltinType.TEXT, BuiltinType.VARCHAR, BuiltinType.BPCHAR, BuiltinType.NAME)) {
      assertEquals("a b ", decode(t, "a b "));
    }
  }

  @Test
  void byteaInHexAndEscapeFormats() {
    assertArrayEquals(new byte[] {0, (byte) 0xFF, 0x10}, (byte[]) decode(BuiltinType.BYTEA, "\\x00ff10"));
    assertArrayEquals(new byte[0], (byte[]) decode(BuiltinType.BYTEA, "\\x"));
    assertArrayEquals(new byte[] {'a', '\\', 0, (byte) 0xFF}, (byte[]) decode(BuiltinType.BYTEA, "a\\\\\\000\\377"));
  }

  @Test
  void uuidAndJson() {
    assertEquals(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        decode(BuiltinType.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    assertEquals(new PgJson("{\"a\": [1, 2]}"), decode(BuiltinType.JSONB, "{\"a\": [1, 2]}"));
    assertEquals(new PgJson("  null "), decode(BuiltinType.JSON, "  null "));
  }

  @Test
  void datesIncludingInfinityAndBeforeChrist() {
    assertEquals(LocalDate.of(2024, 2, 29), decode(BuiltinType.DATE, "2024-02-29"));
    assertSame(PgSpecial.POSITIVE_INFINITY, decode(BuiltinType.DATE, "infinity"));
    assertSame(PgSpecial.NEGATIVE_INFINITY, decode(BuiltinType.DATE, "-infinity"));
    assertEquals(LocalDate.of(-43, 3, 15), decode(BuiltinType.DATE, "0044-03-15 BC"));
    assertEquals(LocalDate.of(0, 2, 29), decode(BuiltinType.DATE, "0001-02-29 BC"), "1 BC is a leap year");
    assertEquals(LocalDate.of(-4712, 1, 1), decode(BuiltinType.DATE, "4713-01-01 BC"));
    assertEquals(LocalDate.of(12345, 6, 7), decode(BuiltinType.DATE, "12345-06-07"));
  }

  @Test
  void timesWithFractionsOffsetsAndMidnightAt24() {
    assertEquals(LocalTime.of(4, 5, 6, 789_000_000), decode(BuiltinType.TIME, "04:05:06.789"));
    assertEquals(LocalTime.of(23, 59, 59, 999_999_000), decode(BuiltinType.TIME, "23:59:59.999999"));
    assertEquals(LocalTime.MAX, decode(BuiltinType.TIME, "24:00:00"));
    assertEquals(OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHours(2)), decode(BuiltinType.TIMETZ, "04:05:06+02"));
    assertEquals(OffsetTime.of(4, 5, 6, 500_000_000, ZoneOffset.ofHoursMinutes(-5, -30)),
        decode(BuiltinType.TIMETZ, "04:05:06.5-05:30"));
  }

  @Test
  void timestampsIncludingInfinityBcAndSecondOffsets() {
    assertEquals(LocalDateTime.of(2024, 1, 15, 4, 5, 6, 123_456_000),
        decode(BuiltinType.TIMESTAMP, "2024-01-15 04:05:06.123456"));
    assertEquals(LocalDateTime.of(-43, 3, 15, 12, 0), decode(BuiltinType.TIMESTAMP, "0044-03-15 12:00:00 BC"));
    assertSame(PgSpecial.POSITIVE_INFINITY, decode(BuiltinType.TIMESTAMP, "infinity"));
    assertSame(PgSpecial.NEGATIVE_INFINITY, decode(BuiltinType.TIMESTAMPTZ, "-infinity"));
    assertEquals(OffsetDateTime.of(2024, 1, 15, 4, 5, 6, 0, ZoneOffset.UTC),
        decode(BuiltinType.TIMESTAMPTZ, "2024-01-15 04:05:06+00"));
    assertEquals(OffsetDateTime.of(1800, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 53, 28)),
        decode(BuiltinType.TIMESTAMPTZ, "1800-01-01 00:00:00+00:53:28"));
    assertEquals(OffsetDateTime.of(-43, 3, 15, 1, 2, 3, 100_000_000, ZoneOffset.ofHoursMinutes(-3, -30)),
        decode(BuiltinType.TIMESTAMPTZ, "0044-03-15 01:02:03.1-03:30 BC"));
  }

  @Test
  void intervalsInPostgresStyle() {
    assertEquals(new PgInterval(14, 3, 14_706_789_000L),
        decode(BuiltinType.INTERVAL, "1 year 2 mons 3 days 04:05:06.789"));
    assertEquals(new PgInterval(0, 0, -1_000_000L), decode(BuiltinType.INTERVAL, "-00:00:01"));
    assertEquals(new PgInterval(0, 0, 0), decode(BuiltinType.INTERVAL, "00:00:00"));
    assertEquals(new PgInterval(-14, 3, -14_706_000_000L),
        decode(BuiltinType.INTERVAL, "-1 years -2 mons +3 days -04:05:06"));
    assertEquals(new PgInterval(0, 1, 0), decode(BuiltinType.INTERVAL, "1 day"));
    assertEquals(new PgInterval(36, 0, 0), decode(BuiltinType.INTERVAL, "3 years"));
    assertEquals(new PgInterval(0, 0, 1_000_000L * 3600 * 1000 + 1),
        decode(BuiltinType.INTERVAL, "1000:00:00.000001"));
    assertSame(PgSpecial.POSITIVE_INFINITY, decode(BuiltinType.INTERVAL, "infinity"));
    assertSame(PgSpecial.NEGATIVE_INFINITY, decode(BuiltinType.INTERVAL, "-infinity"));
  }

  @Test
  void intervalsInPostgresVerboseStyle() {
    assertEquals(new PgInterval(14, -3, 14_706_789_000L),
        PgInterval.parse("@ 1 year 2 mons -3 days 4 hours 5 mins 6.789 secs"));
    assertEquals(new PgInterval(0, -1, -7_200_000_000L), PgInterval.parse("@ 1 day 2 hours ago"));
    assertThrows(IllegalArgumentException.class, () -> PgInterval.parse("P1Y2M"));
    assertThrows(IllegalArgumentException.class, () -> PgInterval.parse(""));
  }

  @Test
  void arraysWithNullsQuotesEscapesAndBounds() {
    assertEquals(List.of(), decodeArray(BuiltinType.INT4, "{}"));
    assertEquals(Arrays.asList(1, null, 3), decodeArray(BuiltinType.INT4, "{1,NULL,3}"));
    assertEquals(List.of(7, 8, 9), decodeArray(BuiltinType.INT4, "[0:2]={7,8,9}"));
    assertEquals(Arrays.asList("a b", "NULL", null, "q\"uo\\te", "{x,y}", ""),
        decodeArray(BuiltinType.TEXT, "{\"a b\",\"NULL\",NULL,\"q\\\"uo\\\\te\",\"{x,y}\",\"\"}"));
    assertEquals(List.of(List.of(1L, 2L), List.of(3L, 4L)), decodeArray(BuiltinType.INT8, "{{1,2},{3,4}}"));
    assertEquals(List.of(new PgInterval(0, 1, 0), new PgInterval(0, 0, -1_000_000L)),
        decodeArray(BuiltinType.INTERVAL, "{\"1 day\",-00:00:01}"));
    assertEquals(Arrays.asList(PgSpecial.NAN, new BigDecimal("1.50"), PgSpecial.NEGATIVE_INFINITY),
        decodeArray(BuiltinType.NUMERIC, "{NaN,1.50,-Infinity}"));
    assertEquals(List.of(LocalDate.of(-43, 3, 15), PgSpecial.POSITIVE_INFINITY),
        decodeArray(BuiltinType.DATE, "{\"0044-03-15 BC\",infinity}"));
    assertEquals(List.of("a\\b"), decodeArray(BuiltinType.TEXT, "{a\\\\b}"), "escaped unquoted element");
  }

  @Test
  void unknownTypesAndUnparseableTextComeBackAsText() {
    assertEquals("192.168.0.1/24", decoder.decode(BuiltinType.INET.oid(), "192.168.0.1/24"));
    assertEquals("(1,2)", decoder.decode(987654, "(1,2)"));
    assertEquals("{(1,2)}", decoder.decode(BuiltinType.POINT.arrayOid(), "{(1,2)}"));
    assertEquals("12x", decode(BuiltinType.INT4, "12x"));
    assertEquals("maybe", decode(BuiltinType.BOOL, "maybe"));
    assertEquals("{1,2", decodeArray(BuiltinType.INT4, "{1,2"));
    assertEquals("{1,x}", decodeArray(BuiltinType.INT4, "{1,x}"), "one bad element keeps the whole text");
    assertEquals("2024-13-01", decode(BuiltinType.DATE, "2024-13-01"));
  }

  @Test
  void nullAndUnchangedToastPassThrough() {
    assertNull(decode(BuiltinType.INT4, null));
    assertSame(Row.UNCHANGED_TOAST, decode(BuiltinType.INT4, Row.UNCHANGED_TOAST));
  }

  @Test
  void registryTellsWhichTypesAreKnown() {
    TypeRegistry builtins = TypeRegistry.builtins();
    assertTrue(builtins.isKnown(BuiltinType.NUMERIC.oid()));
    assertTrue(builtins.isKnown(BuiltinType.NUMERIC.arrayOid()));
    assertEquals(ValueKind.ARRAY, builtins.kindOf(1231));
    assertEquals(1700, builtins.elementTypeOf(1231));
    assertEquals(ValueKind.UNKNOWN, builtins.kindOf(BuiltinType.INET.oid()));
    assertTrue(!builtins.isKnown(BuiltinType.INET.arrayOid()));
    assertTrue(!builtins.isKnown(16384));
    assertEquals(BuiltinType.INT4, BuiltinType.forOid(23).orElseThrow());
    assertEquals(BuiltinType.JSONB, BuiltinType.forArrayOid(3807).orElseThrow());
  }

  @Test
  void typeNamesAsFormatTypePrintsThem() {
    assertEquals("integer", TypeNameFormatter.format(23, -1));
    assertEquals("numeric", TypeNameFormatter.format(1700, -1));
    assertEquals("numeric(10,2)", TypeNameFormatter.format(1700, (10 << 16 | 2) + 4));
    assertEquals("numeric(5,-3)", TypeNameFormatter.format(1700, (5 << 16 | (-3 & 0x7FF)) + 4));
    assertEquals("numeric(10,2)[]", TypeNameFormatter.format(1231, (10 << 16 | 2) + 4));
    assertEquals("character(5)", TypeNameFormatter.format(1042, 9));
    assertEquals("bpchar", TypeNameFormatter.format(1042, -1));
    assertEquals("time(0) without time zone", TypeNameFormatter.format(1083, 0));
    assertEquals("interval", TypeNameFormatter.format(1186, -1));
    assertEquals("interval(3)", TypeNameFormatter.format(1186, (0x7FFF << 16) | 3));
    assertEquals("interval day to second(3)", TypeNameFormatter.format(1186, ((8 | 1024 | 2048 | 4096) << 16) | 3));
    assertEquals("interval year", TypeNameFormatter.format(1186, (4 << 16) | 0xFFFF));
    assertEquals("\"char\"", TypeNameFormatter.format(18, -1));
    assertNull(TypeNameFormatter.format(16384, -1));
  }
}
