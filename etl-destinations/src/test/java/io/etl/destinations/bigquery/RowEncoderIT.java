package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.storage.v1.BigDecimalByteStringEncoder;
import com.google.cloud.bigquery.storage.v1.CivilTimeEncoder;
import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import io.etl.core.error.EtlException;
import io.etl.core.event.Row;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.testing.PostgresServer;
import io.etl.core.types.ValueDecoder;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encodes rows whose text comes from a real PostgreSQL (its own output functions), so the test
 * proves the encoding of what the replicator actually receives.
 */
class RowEncoderIT {
  private static final String COLUMNS = "id int PRIMARY KEY, b bool, i2 smallint, i8 bigint, r real, f float8,"
      + " n numeric(10,2), bn numeric, t text, bp char(3), by bytea, d date, tm time, ts timestamp, tz timestamptz,"
      + " iv interval, tt timetz, u uuid, j jsonb, ints int[], texts text[], addr inet";

  private static PostgresServer server;
  private static TableSchema table;

  @BeforeAll
  static void start() throws SQLException {
    server = PostgresServer.start();
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE everything (" + COLUMNS + ")");
      try (ResultSet rs = s.executeQuery("SELECT a.attname, a.atttypid::int, a.atttypmod, format_type(a.atttypid, a.atttypmod)"
          + " FROM pg_attribute a WHERE a.attrelid = 'everything'::regclass AND a.attnum > 0 ORDER BY a.attnum")) {
        List<ColumnSchema> columns = new ArrayList<>();
        while (rs.next()) {
          columns.add(new ColumnSchema(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), true,
              rs.getString(1).equals("id")));
        }
        table = new TableSchema(16400, new TableId("public", "everything"), columns, 'd');
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The row PostgreSQL prints for {@code values}, as pgoutput would carry it. */
  private static Row sourceRow(String values) throws SQLException {
    try (Connection c = server.connect(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE everything");
      s.execute("INSERT INTO everything VALUES (" + values + ")");
      // a plain statement reads every column in PostgreSQL's text output, as pgoutput sends it
      try (ResultSet rs = s.executeQuery("SELECT * FROM everything")) {
        rs.next();
        ResultSetMetaData meta = rs.getMetaData();
        String[] row = new String[meta.getColumnCount()];
        for (int i = 0; i < row.length; i++) {
          row[i] = rs.getString(i + 1);
        }
        return new Row(row);
      }
    }
  }

  private static RowEncoder encoder() {
    return new RowEncoder(table, true, new TypeMapping(), new ValueDecoder());
  }

  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000L;
  }

  private static Object field(DynamicMessage message, String name) {
    return message.getField(message.getDescriptorForType().findFieldByName(name));
  }

  @Test
  void everyDecodedTypeIsEncodedAsItsBigQueryColumnTakesIt() throws SQLException {
    Row row = sourceRow("1, true, 7, 9223372036854775807, 1.5, 'NaN', 12345678.91,"
        + " 123456789012345678901234567890.123, 'héllo', 'ab', '\\xdeadbeef', '2024-02-29', '13:14:15.123456',"
        + " '2024-01-02 03:04:05.678901', '2024-01-02 03:04:05.678901+02', '1 year 2 mons -3 days -04:05:06.789',"
        + " '10:11:12+03', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2]}', '{1,2,3}', '{x,\"y z\"}',"
        + " '192.168.0.1/24'");
    DynamicMessage m = encoder().change(row, ChangeType.UPSERT, "0000000000000001/0000000000000000");

    assertEquals(1L, field(m, "id"));
    assertEquals(true, field(m, "b"));
    assertEquals(7L, field(m, "i2"));
    assertEquals(Long.MAX_VALUE, field(m, "i8"));
    assertEquals(1.5, field(m, "r"));
    assertTrue(Double.isNaN((Double) field(m, "f")));
    assertEquals(new BigDecimal("12345678.91"), BigDecimalByteStringEncoder.decodeNumericByteString((ByteString) field(m, "n")).stripTrailingZeros());
    assertEquals(new BigDecimal("123456789012345678901234567890.123"),
        BigDecimalByteStringEncoder.decodeBigNumericByteString((ByteString) field(m, "bn")).stripTrailingZeros());
    assertEquals("héllo", field(m, "t"));
    assertEquals("ab ", field(m, "bp"), "char(n) keeps its padding, as PostgreSQL prints it");
    assertEquals(ByteString.fromHex("deadbeef"), field(m, "by"));
    assertEquals((int) LocalDate.of(2024, 2, 29).toEpochDay(), field(m, "d"));
    assertEquals(LocalTime.of(13, 14, 15, 123_456_000), CivilTimeEncoder.decodePacked64TimeMicrosLocalTime((Long) field(m, "tm")));
    assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_901_000),
        CivilTimeEncoder.decodePacked64DatetimeMicrosLocalDateTime((Long) field(m, "ts")));
    assertEquals(micros(Instant.parse("2024-01-02T01:04:05.678901Z")), field(m, "tz"));
    assertEquals("1-2 -3 -4:5:6.789000", field(m, "iv"));
    assertEquals("10:11:12+03", field(m, "tt"));
    assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", field(m, "u"));
    assertEquals("{\"a\": [1, 2]}", field(m, "j"));
    assertEquals(List.of(1L, 2L, 3L), field(m, "ints"));
    assertEquals(List.of("x", "y z"), field(m, "texts"));
    assertEquals("192.168.0.1/24", field(m, "addr"), "a type the replicator does not decode keeps its text");
    assertEquals("UPSERT", field(m, RowEncoder.CHANGE_TYPE));
    assertEquals("0000000000000001/0000000000000000", field(m, RowEncoder.CHANGE_SEQUENCE_NUMBER));
  }

  @Test
  void infinitiesAndMidnightAtDayEndBecomeBigQuerysExtremesAndFloatInfinitiesStay() throws SQLException {
    Row row = sourceRow("2, NULL, NULL, NULL, '-Infinity', 'Infinity', NULL, NULL, NULL, NULL, NULL, 'infinity',"
        + " '24:00:00', '-infinity', 'infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL");
    DynamicMessage m = encoder().change(row, ChangeType.UPSERT, ChangeSequence.COPY);
    assertEquals(Double.NEGATIVE_INFINITY, field(m, "r"));
    assertEquals(Double.POSITIVE_INFINITY, field(m, "f"));
    assertEquals((int) LocalDate.of(9999, 12, 31).toEpochDay(), field(m, "d"));
    assertEquals(LocalTime.of(23, 59, 59, 999_999_000), CivilTimeEncoder.decodePacked64TimeMicrosLocalTime((Long) field(m, "tm")));
    assertEquals(LocalDateTime.of(1, 1, 1, 0, 0), CivilTimeEncoder.decodePacked64DatetimeMicrosLocalDateTime((Long) field(m, "ts")));
    assertEquals(micros(Instant.parse("9999-12-31T23:59:59.999999Z")), field(m, "tz"));
  }

  @Test
  void nullsAreUnsetFieldsAndANullArrayIsEmpty() throws SQLException {
    Row row = sourceRow("3" + ", NULL".repeat(table.columnCount() - 1));
    DynamicMessage m = encoder().change(row, ChangeType.DELETE, ChangeSequence.COPY);
    for (var field : m.getDescriptorForType().getFields()) {
      if (field.isRepeated()) {
        assertEquals(0, m.getRepeatedFieldCount(field), field.getName());
      } else if (!field.getName().equals("id") && !field.getName().startsWith("_CHANGE")) {
        assertFalse(m.hasField(field), field.getName());
      }
    }
    assertEquals("DELETE", field(m, RowEncoder.CHANGE_TYPE));
  }

  private static String refusal(String values) throws SQLException {
    Row row = sourceRow(values);
    EtlException e = assertThrows(EtlException.class, () -> encoder().change(row, ChangeType.UPSERT, ChangeSequence.COPY));
    assertFalse(e.isRetryable());
    assertEquals(16400, e.tableOid().orElseThrow());
    return e.reason();
  }

  private static String only(String column, String value) {
    StringBuilder values = new StringBuilder("4");
    for (ColumnSchema c : table.columns().subList(1, table.columnCount())) {
      values.append(", ").append(c.name().equals(column) ? value : "NULL");
    }
    return values.toString();
  }

  @Test
  void valuesBigQueryCannotHoldAreRefusedNamingTableColumnAndType() throws SQLException {
    assertEquals("column bn (numeric) of public.everything holds a value BigQuery BIGNUMERIC cannot store: numeric NaN"
        + " has no BigQuery BIGNUMERIC counterpart.", refusal(only("bn", "'NaN'")));
    assertEquals("column bn (numeric) of public.everything holds a value BigQuery BIGNUMERIC cannot store: a value has"
        + " 40 fractional digits; BigQuery BIGNUMERIC keeps 38 and would round it.",
        refusal(only("bn", "0.1234567890123456789012345678901234567891")));
    assertEquals("column d (date) of public.everything holds a value BigQuery DATE cannot store: a date lies outside"
        + " years 1 to 9999, BigQuery's range.", refusal(only("d", "'10000-01-01'")));
    assertEquals("column ints (integer[]) of public.everything holds a value BigQuery ARRAY<INT64> cannot store: the"
        + " array holds a NULL element, which a BigQuery ARRAY cannot hold.", refusal(only("ints", "'{1,NULL}'")));
    assertEquals("column ints (integer[]) of public.everything holds a value BigQuery ARRAY<INT64> cannot store: the"
        + " array has more than one dimension, which a BigQuery ARRAY cannot have.", refusal(only("ints", "'{{1,2},{3,4}}'")));
  }

  @Test
  void aTableWithoutKeyGetsNoChangeColumns() throws SQLException {
    RowEncoder appendOnly = new RowEncoder(table, false, new TypeMapping(), new ValueDecoder());
    DynamicMessage m = appendOnly.append(sourceRow(only("t", "'x'")));
    assertEquals(null, m.getDescriptorForType().findFieldByName(RowEncoder.CHANGE_TYPE));
    assertEquals("x", field(m, "t"));
  }
}
