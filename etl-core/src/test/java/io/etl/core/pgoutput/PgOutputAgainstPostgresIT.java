package io.etl.core.pgoutput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.MessageEvent;
import io.etl.core.event.RelationEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.UpdateEvent;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.testing.PostgresServer;
import io.etl.core.types.BuiltinType;
import io.etl.core.types.PgInterval;
import io.etl.core.types.PgJson;
import io.etl.core.types.PgSpecial;
import io.etl.core.types.TypeNameFormatter;
import io.etl.core.types.TypeRegistry;
import io.etl.core.types.ValueDecoder;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes what a real PostgreSQL's pgoutput sends for a table with a column of every type we
 * decode (and an array of each), and checks the text against {@code col::text} on the source
 * and the typed values against what the inserted literals mean.
 */
class PgOutputAgainstPostgresIT {
  /** A column, the Java class its non-null values (or array elements) decode to, row literals. */
  private record Column(String name, String sqlType, Class<?> javaType, String... literals) {
    boolean isArray() {
      return name.startsWith("a_");
    }
  }

  private static final int ROWS = 5;
  private static final String NUL = null;

  private static final List<Column> COLUMNS =
      List.of(
          new Column("c_int2", "int2", Short.class, "1", "-32768", "32767", NUL, "0"),
          new Column("c_int4", "int4", Integer.class, "42", "-2147483648", "2147483647", NUL, "0"),
          new Column("c_int8", "int8", Long.class, "42", "-9223372036854775808", "9223372036854775807", NUL, "0"),
          new Column("c_numeric", "numeric", BigDecimal.class, "12345678901234567890.0100", "'NaN'", "'Infinity'", NUL, "'-Infinity'"),
          new Column("c_numeric_p", "numeric(10,2)", BigDecimal.class, "3.14159", "-99999999.99", "0", NUL, "0.005"),
          new Column("c_float4", "real", Float.class, "1.5", "'NaN'", "'-Infinity'", NUL, "3.4028235e38"),
          new Column("c_float8", "float8", Double.class, "0.1", "'Infinity'", "1e-300", NUL, "'NaN'"),
          new Column("c_bool", "bool", Boolean.class, "true", "false", "true", NUL, "false"),
          new Column("c_text", "text", String.class,
              "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 300) i)",
              "E'multi\\nline \"quoted\" \\\\ back Zoë 🐘'", "''", NUL, "'NULL'"),
          new Column("c_varchar", "varchar(20)", String.class, "'a,b{c}'", "' '", "'x'", NUL, "'\"'"),
          new Column("c_bpchar", "char(5)", String.class, "'ab'", "'abcde'", "''", NUL, "'x'"),
          new Column("c_name", "name", String.class, "'pg_class'", "'NULL'", "'a b'", NUL, "'n'"),
          new Column("c_bytea", "bytea", byte[].class, "'\\x00ff10'", "'\\x'", "'\\\\'", NUL, "'abc'"),
          new Column("c_date", "date", LocalDate.class, "'2024-02-29'", "'0044-03-15 BC'", "'infinity'", NUL, "'-infinity'"),
          new Column("c_time", "time", LocalTime.class, "'04:05:06.789'", "'24:00:00'", "'00:00:00.000001'", NUL, "'23:59:59'"),
          new Column("c_timetz", "timetz", OffsetTime.class, "'04:05:06+02'", "'04:05:06.789-05:30'", "'00:00:00+14'", NUL, "'12:00:00-12'"),
          new Column("c_ts", "timestamp(3)", LocalDateTime.class, "'2024-01-15 04:05:06.1239'", "'-infinity'", "'0044-03-15 12:00:00 BC'", NUL, "'infinity'"),
          new Column("c_tstz", "timestamptz", OffsetDateTime.class, "'2024-07-01 12:00:00.5+00'", "'1800-01-01 00:00:00+00'", "'0044-03-15 12:00:00+00 BC'", NUL, "'infinity'"),
          new Column("c_interval", "interval", PgInterval.class, "'1 year 2 mons 3 days 04:05:06.789'", "'-1 years -2 mons +3 days -04:05:06.5'", "'-00:00:01'", NUL, "'infinity'"),
          new Column("c_uuid", "uuid", UUID.class, "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'", "gen_random_uuid()", NUL, "'ffffffff-ffff-ffff-ffff-ffffffffffff'"),
          new Column("c_json", "json", PgJson.class, "'{\"a\": [1, 2]}'", "'null'", "'\"x\"'", NUL, "'[]'"),
          new Column("c_jsonb", "jsonb", PgJson.class, "'{\"b\": null, \"a\": 1}'", "'null'", "'\"\\u00e9\"'", NUL, "'{}'"),
          new Column("c_enum", "mood", String.class, "'ok'", "'happy, \"really\"'", "'sad'", NUL, "'ok'"),
          new Column("c_domain", "posint", Integer.class, "1", "2147483647", "7", NUL, "1"),
          new Column("a_int2", "int2[]", Short.class, "'{1,NULL,-32768}'", "'{}'", "'[0:1]={5,6}'", NUL, "'{NULL}'"),
          new Column("a_int4", "int4[]", Integer.class, "'{1,2,3}'", "'{}'", "'[-2:0]={7,8,9}'", NUL, "'{NULL,NULL}'"),
          new Column("a_int8", "int8[]", Long.class, "'{9223372036854775807}'", "'{}'", "'{1,NULL}'", NUL, "'{0}'"),
          new Column("a_numeric", "numeric[]", BigDecimal.class, "'{1.50,NaN,NULL}'", "'{}'", "'{Infinity,-Infinity}'", NUL, "'{0.000}'"),
          new Column("a_float4", "real[]", Float.class, "'{1.5,NaN}'", "'{}'", "'{-Infinity,NULL}'", NUL, "'{0}'"),
          new Column("a_float8", "float8[]", Double.class, "'{0.1,Infinity}'", "'{}'", "'{NaN,NULL}'", NUL, "'{-0}'"),
          new Column("a_bool", "bool[]", Boolean.class, "'{t,f,NULL}'", "'{}'", "'{true}'", NUL, "'{false}'"),
          new Column("a_text", "text[]", String.class,
              "ARRAY['a b', 'NULL', NULL, 'q\"uo\\te', '{x,y}', '', ' lead']",
              "'{}'", "ARRAY[E'new\\nline', 'é']", NUL, "'{NULL}'"),
          new Column("a_varchar", "varchar(20)[]", String.class, "'{\"a,b\",c}'", "'{}'", "'{\"\"}'", NUL, "'{NULL}'"),
          new Column("a_bpchar", "char(5)[]", String.class, "'{ab,xyz}'", "'{}'", "'{NULL,\" \"}'", NUL, "'{a}'"),
          new Column("a_name", "name[]", String.class, "'{pg_class,\"a b\"}'", "'{}'", "'{NULL}'", NUL, "'{x}'"),
          new Column("a_bytea", "bytea[]", byte[].class, "ARRAY['\\x00ff'::bytea, NULL, '']", "'{}'", "ARRAY['\\\\'::bytea]", NUL, "'{}'"),
          new Column("a_date", "date[]", LocalDate.class, "'{2024-02-29,\"0044-03-15 BC\",infinity,NULL}'", "'{}'", "'{-infinity}'", NUL, "'{1999-12-31}'"),
          new Column("a_time", "time[]", LocalTime.class, "'{04:05:06.789,NULL,24:00:00}'", "'{}'", "'{00:00:00}'", NUL, "'{12:00}'"),
          new Column("a_timetz", "timetz[]", OffsetTime.class, "'{04:05:06+02,\"04:05:06.5-05:30\"}'", "'{}'", "'{NULL}'", NUL, "'{00:00:00+00}'"),
          new Column("a_ts", "timestamp(3)[]", LocalDateTime.class, "'{\"2024-01-15 04:05:06.123\",-infinity,\"0044-03-15 12:00:00 BC\"}'", "'{}'", "'{NULL}'", NUL, "'{infinity}'"),
          new Column("a_tstz", "timestamptz[]", OffsetDateTime.class, "'{\"2024-07-01 12:00:00+00\",\"1800-01-01 00:00:00+00\",infinity}'", "'{}'", "'{NULL}'", NUL, "'{-infinity}'"),
          new Column("a_interval", "interval[]", PgInterval.class, "ARRAY['1 day', '-00:00:01', '-1 years +2 mons', 'infinity']::interval[]", "'{}'", "'{NULL}'", NUL, "'{00:00:00}'"),
          new Column("a_uuid", "uuid[]", UUID.class, "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}'", "'{}'", "ARRAY[gen_random_uuid()]", NUL, "'{}'"),
          new Column("a_json", "json[]", PgJson.class, "ARRAY['{\"a\": \"b,c\"}', 'null', NULL]::json[]", "'{}'", "ARRAY['[1, 2]']::json[]", NUL, "'{}'"),
          new Column("a_jsonb", "jsonb[]", PgJson.class, "ARRAY['{\"a\": \"b\\\\\\\"c\"}', '1']::jsonb[]", "'{}'", "'{NULL}'", NUL, "'{}'"),
          new Column("a_enum", "mood[]", String.class, "ARRAY['sad', 'happy, \"really\"', NULL]::mood[]", "'{}'", "'{ok}'", NUL, "'{NULL}'"),
          new Column("a_domain", "posint[]", Integer.class, "'{1,2,NULL}'", "'{}'", "'[5:5]={3}'", NUL, "'{NULL}'"));

  private static PostgresServer server;
  private static Connection connection;
  private static TypeRegistry registry;
  private static ValueDecoder values;
  /** Per id: the output-function text of id and every column, as pgoutput prints it. */
  private static Map<Integer, List<String>> sourceText;
  /** Per id: {@code col::text} of id and every column. */
  private static Map<Integer, List<String>> castText;
  private static List<Event> events;
  private static TableSchema table;

  @BeforeAll
  static void replicateEveryType() throws SQLException {
    server = PostgresServer.start();
    connection = server.connect();
    try (Statement s = connection.createStatement()) {
      // An explicit zone with historic (seconds-precision) offsets; decoding runs in this session.
      s.execute("SET TimeZone = 'Europe/Berlin'");
      s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy, \"really\"')");
      s.execute("CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
      s.execute(
          "CREATE TABLE all_types (id int PRIMARY KEY, "
              + COLUMNS.stream().map(c -> c.name() + " " + c.sqlType()).collect(Collectors.joining(", "))
              + ")");
      // Out-of-line and uncompressed, so an UPDATE that leaves c_text alone sends it as unchanged TOAST.
      s.execute("ALTER TABLE all_types ALTER COLUMN c_text SET STORAGE EXTERNAL");
      s.execute("CREATE TABLE child (id int PRIMARY KEY REFERENCES all_types(id))");
      s.execute("CREATE PUBLICATION pub FOR ALL TABLES");
      s.execute("SELECT pg_create_logical_replication_slot('t', 'pgoutput')");

      StringBuilder insert = new StringBuilder("INSERT INTO all_types VALUES ");
      for (int row = 1; row <= ROWS; row++) {
        insert.append(row == 1 ? "" : ", ").append("(").append(row);
        for (Column c : COLUMNS) {
          String literal = c.literals()[row - 1];
          insert.append(", ").append(literal == null ? "NULL" : "(" + literal + ")::" + c.sqlType());
        }
        insert.append(")");
      }
      s.execute(insert.toString());

      // format('%s', col) prints with the type's output function, as pgoutput does; col::text
      // is a cast and differs for bool ("true") and bpchar (trailing blanks trimmed).
      sourceText = selectTexts(s, c -> "CASE WHEN " + c + " IS NULL THEN NULL ELSE format('%s', " + c + ") END");
      castText = selectTexts(s, c -> c + "::text");

      s.execute("UPDATE all_types SET c_int4 = 43 WHERE id = 1");
      s.execute("DELETE FROM all_types WHERE id = 4");
      s.execute("SELECT pg_logical_emit_message(true, 'p', 'hi')");
      s.execute("INSERT INTO child VALUES (2)");
      s.execute("TRUNCATE all_types RESTART IDENTITY CASCADE");

      PgOutputDecoder decoder = new PgOutputDecoder();
      events = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT data FROM pg_logical_slot_get_binary_changes('t', NULL, NULL, 'proto_version', '1',"
                  + " 'publication_names', 'pub', 'messages', 'true')")) {
        while (rs.next()) {
          Event e = decoder.decode(ByteBuffer.wrap(rs.getBytes(1)));
          if (e != null) {
            events.add(e);
          }
        }
      }
      table = decoder.relation(oidOf("all_types")).orElseThrow();
    }
    registry = TypeRegistry.load(connection);
    values = new ValueDecoder(registry);
  }

  @AfterAll
  static void stop() throws SQLException {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Map<Integer, List<String>> selectTexts(Statement s, Function<String, String> asText)
      throws SQLException {
    Map<Integer, List<String>> rows = new HashMap<>();
    String select =
        "SELECT id::text, " + COLUMNS.stream().map(c -> asText.apply(c.name())).collect(Collectors.joining(", "))
            + " FROM all_types";
    try (ResultSet rs = s.executeQuery(select)) {
      while (rs.next()) {
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= COLUMNS.size() + 1; i++) {
          texts.add(rs.getString(i));
        }
        rows.put(Integer.parseInt(texts.get(0)), texts);
      }
    }
    return rows;
  }

  private static int oidOf(String relation) {
    return Integer.parseInt(server.queryOne("postgres", "SELECT '" + relation + "'::regclass::oid"));
  }

  private static <T extends Event> List<T> eventsOf(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void insertedRowsDecodeToTheSameTextAsColumnCastToTextOnTheSource() {
    List<InsertEvent> inserts =
        eventsOf(InsertEvent.class).stream().filter(e -> e.table().id().name().equals("all_types")).toList();
    assertEquals(ROWS, inserts.size());
    for (InsertEvent insert : inserts) {
      Row row = insert.newRow();
      List<String> expected = sourceText.get(Integer.parseInt(row.get(0)));
      assertEquals(expected, Arrays.asList(row.values()), "row " + row.get(0));
      assertEquals(insert.table(), table);
    }
    // The table has columns with real content, not only NULLs.
    assertEquals(COLUMNS.size() + 1, sourceText.get(1).stream().filter(v -> v != null).count());
  }

  @Test
  void decodedTextEqualsColumnCastToTextExceptWhereTheCastIsNotTheOutputFunction() {
    for (InsertEvent insert : eventsOf(InsertEvent.class)) {
      Row row = insert.newRow();
      if (!insert.table().id().name().equals("all_types")) {
        continue;
      }
      List<String> cast = castText.get(Integer.parseInt(row.get(0)));
      for (int i = 0; i < row.size(); i++) {
        String name = table.columns().get(i).name();
        String decoded = row.get(i);
        String expected =
            decoded == null ? null
                : switch (name) {
                  case "c_bool" -> decoded.equals("t") ? "true" : "false";
                  case "c_bpchar" -> decoded.stripTrailing();
                  default -> decoded;
                };
        assertEquals(cast.get(i), expected, name + " of row " + row.get(0));
      }
    }
  }

  @Test
  void relationDescribesColumnsLikeTheCatalog() {
    assertEquals(new TableId("public", "all_types"), table.id());
    assertEquals('d', table.replicaIdentity());
    List<List<String>> catalog =
        server.query(
            "postgres",
            "SELECT attname, atttypid, atttypmod, format_type(atttypid, atttypmod), atttypid < 16384"
                + " FROM pg_attribute WHERE attrelid = 'all_types'::regclass AND attnum > 0 ORDER BY attnum");
    assertEquals(catalog.size(), table.columnCount());
    for (int i = 0; i < catalog.size(); i++) {
      List<String> attribute = catalog.get(i);
      ColumnSchema column = table.columns().get(i);
      assertEquals(attribute.get(0), column.name());
      assertEquals(Integer.parseInt(attribute.get(1)), column.typeOid(), column.name());
      assertEquals(Integer.parseInt(attribute.get(2)), column.typeModifier(), column.name());
      assertEquals(attribute.get(4).equals("t") ? attribute.get(3) : null, column.typeName(), column.name());
      assertEquals(column.name().equals("id"), column.primaryKey(), column.name());
    }
  }

  @Test
  void builtinTypeTableMatchesTheServersCatalog() {
    for (BuiltinType type : BuiltinType.values()) {
      List<String> row =
          server.query("postgres", "SELECT typarray, format_type(oid, -1) FROM pg_type WHERE oid = " + type.oid()).get(0);
      assertEquals(Integer.parseInt(row.get(0)), type.arrayOid(), type.name());
      assertEquals(row.get(1), type.formatName(), type.name());
      assertEquals(row.get(1) + "[]", TypeNameFormatter.format(type.arrayOid(), -1), type.name());
    }
  }

  @Test
  void everyValueDecodesToItsJavaType() {
    for (int c = 0; c < COLUMNS.size(); c++) {
      Column column = COLUMNS.get(c);
      int oid = table.columns().get(c + 1).typeOid();
      assertTrue(registry.isKnown(oid), column.name() + " type is known");
      for (List<String> row : sourceText.values()) {
        String text = row.get(c + 1);
        Object value = values.decode(oid, text);
        if (text == null) {
          assertNull(value);
        } else if (column.isArray()) {
          assertInstanceOf(List.class, value, column.name() + " " + text);
          for (Object element : (List<?>) value) {
            assertDecodedAs(column, element, text);
          }
        } else {
          assertDecodedAs(column, value, text);
        }
      }
    }
  }

  private static void assertDecodedAs(Column column, Object value, String text) {
    if (value == null || column.javaType().isInstance(value)) {
      return;
    }
    if (value instanceof PgSpecial
        && List.of(BigDecimal.class, LocalDate.class, LocalDateTime.class, OffsetDateTime.class, PgInterval.class)
            .contains(column.javaType())) {
      return;
    }
    fail(column.name() + ": " + text + " decoded to " + value.getClass().getSimpleName());
  }

  private Object typed(int id, String column) {
    int index = table.indexOf(column);
    return values.decode(table.columns().get(index).typeOid(), sourceText.get(id).get(index));
  }

  @Test
  void edgeValuesDecodeToWhatTheLiteralsMean() {
    assertEquals(new BigDecimal("12345678901234567890.0100"), typed(1, "c_numeric"));
    assertSame(PgSpecial.NAN, typed(2, "c_numeric"));
    assertSame(PgSpecial.POSITIVE_INFINITY, typed(3, "c_numeric"));
    assertSame(PgSpecial.NEGATIVE_INFINITY, typed(5, "c_numeric"));
    assertEquals(new BigDecimal("0.01"), typed(5, "c_numeric_p"));
    assertTrue(((Float) typed(2, "c_float4")).isNaN());
    assertEquals(Double.POSITIVE_INFINITY, typed(2, "c_float8"));
    assertEquals("ab   ", typed(1, "c_bpchar"));
    assertArrayEquals(new byte[] {0, (byte) 0xFF, 0x10}, (byte[]) typed(1, "c_bytea"));
    assertArrayEquals(new byte[] {'\\'}, (byte[]) typed(3, "c_bytea"));
    assertEquals(LocalDate.of(-43, 3, 15), typed(2, "c_date"));
    assertSame(PgSpecial.NEGATIVE_INFINITY, typed(5, "c_date"));
    assertEquals(LocalTime.MAX, typed(2, "c_time"));
    assertEquals(OffsetTime.of(4, 5, 6, 789_000_000, ZoneOffset.ofHoursMinutes(-5, -30)), typed(2, "c_timetz"));
    assertEquals(LocalDateTime.of(2024, 1, 15, 4, 5, 6, 124_000_000), typed(1, "c_ts"));
    assertEquals(LocalDateTime.of(-43, 3, 15, 12, 0), typed(3, "c_ts"));
    assertEquals(OffsetDateTime.parse("2024-07-01T12:00:00.5Z").toInstant(),
        ((OffsetDateTime) typed(1, "c_tstz")).toInstant());
    assertEquals(OffsetDateTime.parse("1800-01-01T00:00:00Z").toInstant(),
        ((OffsetDateTime) typed(2, "c_tstz")).toInstant());
    assertEquals(LocalDateTime.of(-43, 3, 15, 12, 0).toInstant(ZoneOffset.UTC),
        ((OffsetDateTime) typed(3, "c_tstz")).toInstant());
    assertEquals(new PgInterval(14, 3, 14_706_789_000L), typed(1, "c_interval"));
    assertEquals(new PgInterval(-14, 3, -14_706_500_000L), typed(2, "c_interval"));
    assertEquals(new PgInterval(0, 0, -1_000_000L), typed(3, "c_interval"));
    assertSame(PgSpecial.POSITIVE_INFINITY, typed(5, "c_interval"));
    assertEquals(new PgJson("{\"a\": 1, \"b\": null}"), typed(1, "c_jsonb"));
    assertEquals("happy, \"really\"", typed(2, "c_enum"));
    assertEquals(2147483647, typed(2, "c_domain"));

    assertEquals(Arrays.asList((short) 1, null, (short) -32768), typed(1, "a_int2"));
    assertEquals(List.of(), typed(2, "a_int4"));
    assertEquals(List.of(7, 8, 9), typed(3, "a_int4"));
    assertEquals(Arrays.asList(new BigDecimal("1.50"), PgSpecial.NAN, null), typed(1, "a_numeric"));
    assertEquals(List.of(PgSpecial.POSITIVE_INFINITY, PgSpecial.NEGATIVE_INFINITY), typed(3, "a_numeric"));
    assertEquals(Arrays.asList("a b", "NULL", null, "q\"uo\\te", "{x,y}", "", " lead"), typed(1, "a_text"));
    assertEquals(List.of("new\nline", "é"), typed(3, "a_text"));
    assertEquals(Arrays.asList((Object) null), typed(5, "a_text"));
    assertEquals(Arrays.asList(LocalDate.of(2024, 2, 29), LocalDate.of(-43, 3, 15), PgSpecial.POSITIVE_INFINITY, null),
        typed(1, "a_date"));
    assertEquals(List.of(new PgInterval(0, 1, 0), new PgInterval(0, 0, -1_000_000L), new PgInterval(-10, 0, 0),
        PgSpecial.POSITIVE_INFINITY), typed(1, "a_interval"));
    assertEquals(Arrays.asList("sad", "happy, \"really\"", null), typed(1, "a_enum"));
    assertEquals(Arrays.asList(1, 2, null), typed(1, "a_domain"));
    assertEquals(List.of(3), typed(3, "a_domain"));
    assertEquals(List.of(new PgJson("{\"a\": \"b\\\\\\\"c\"}"), new PgJson("1")), typed(1, "a_jsonb"));
  }

  @Test
  void updateOfAnotherColumnSendsTheToastedValueAsUnchanged() {
    UpdateEvent update = eventsOf(UpdateEvent.class).get(0);
    assertNull(update.oldRow(), "key unchanged under the default replica identity");
    assertEquals("43", update.newRow().get(table.indexOf("c_int4")));
    assertTrue(update.newRow().isUnchangedToast(table.indexOf("c_text")));
    assertEquals(9600, sourceText.get(1).get(table.indexOf("c_text")).length());
  }

  @Test
  void deleteCarriesOnlyTheKey() {
    DeleteEvent delete = eventsOf(DeleteEvent.class).get(0);
    assertTrue(delete.oldIsKeyOnly());
    assertEquals("4", delete.oldRow().get(0));
    for (int i = 1; i < delete.oldRow().size(); i++) {
      assertTrue(delete.oldRow().isNull(i));
    }
  }

  @Test
  void emittedMessageArrivesWithPrefixAndContent() {
    MessageEvent message = eventsOf(MessageEvent.class).get(0);
    assertTrue(message.transactional());
    assertEquals("p", message.prefix());
    assertEquals("hi", new String(message.content(), StandardCharsets.UTF_8));
    assertFalse(message.lsn().equals(io.etl.core.replication.Lsn.ZERO));
  }

  @Test
  void truncateCascadesWithRestartIdentity() {
    TruncateEvent truncate = eventsOf(TruncateEvent.class).get(0);
    assertTrue(truncate.cascade());
    assertTrue(truncate.restartIdentity());
    assertEquals(List.of("all_types", "child"),
        truncate.tables().stream().map(t -> t.id().name()).sorted().toList());
  }

  @Test
  void transactionsAreBracketedAndChangesOrdered() {
    BeginEvent begin = null;
    long expectedOrdinal = 0;
    int transactions = 0;
    for (Event e : events) {
      if (e instanceof BeginEvent b) {
        assertNull(begin, "nested Begin");
        begin = b;
        expectedOrdinal = 0;
      } else if (e instanceof CommitEvent c) {
        assertEquals(begin.finalLsn(), c.commitLsn());
        begin = null;
        transactions++;
      } else if (e instanceof io.etl.core.event.ChangeEvent change) {
        assertEquals(begin.finalLsn(), change.position().commitLsn());
        assertEquals(expectedOrdinal++, change.position().ordinal());
      } else if (!(e instanceof RelationEvent) && !(e instanceof MessageEvent)
          && !(e instanceof io.etl.core.event.TypeEvent)) {
        fail("unexpected event " + e);
      }
    }
    assertNull(begin);
    assertEquals(6, transactions, "insert, update, delete, message, child insert, truncate");
  }
}
