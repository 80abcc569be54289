package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every PostgreSQL type the README's type mapping names, copied and streamed by a pipeline from an
 * embedded PostgreSQL into BigQuery (the real service when configured, else the emulator): each
 * column must have the mapped BigQuery type, and each value must read back as the source holds it,
 * the documented substitutions included (±infinity, 24:00:00, a NULL array as an empty one).
 */
class BigQueryTypesIT {
  /** Column, PostgreSQL type, BigQuery type, the source's value as text, the same read back from BigQuery. */
  private record Column(String name, String pgType, String bigQueryType, String pgText, String bigQueryText) {}

  private static final List<Column> COLUMNS = List.of(
      new Column("b", "boolean", "BOOL", "b::text", "CAST(b AS STRING)"),
      new Column("i2", "smallint", "INT64", "i2::text", "CAST(i2 AS STRING)"),
      new Column("i4", "integer", "INT64", "i4::text", "CAST(i4 AS STRING)"),
      new Column("i8", "bigint", "INT64", "i8::text", "CAST(i8 AS STRING)"),
      new Column("f4", "real", "FLOAT64", floatText("f4::float8"), "CAST(f4 AS STRING)"),
      new Column("f8", "double precision", "FLOAT64", floatText("f8"), "CAST(f8 AS STRING)"),
      new Column("n", "numeric(10,2)", "NUMERIC", "trim_scale(n)::text", "CAST(n AS STRING)"),
      new Column("bn", "numeric(40,10)", "BIGNUMERIC", "trim_scale(bn)::text", "CAST(bn AS STRING)"),
      new Column("nu", "numeric", "BIGNUMERIC", "trim_scale(nu)::text", "CAST(nu AS STRING)"),
      new Column("ns", "numeric(60,2)", "STRING", "ns::text", "ns"),
      new Column("t", "text", "STRING", "t", "t"),
      new Column("vc", "varchar(10)", "STRING", "vc::text", "vc"),
      new Column("c", "char(5)", "STRING", "rpad(c::text, 5)", "c"),
      new Column("nm", "name", "STRING", "nm::text", "nm"),
      new Column("ch", "\"char\"", "STRING", "ch::text", "ch"),
      new Column("bt", "bytea", "BYTES", "encode(bt, 'hex')", "TO_HEX(bt)"),
      new Column("d", "date", "DATE",
          "CASE d WHEN 'infinity' THEN '9999-12-31' WHEN '-infinity' THEN '0001-01-01' ELSE d::text END", "CAST(d AS STRING)"),
      new Column("tm", "time", "TIME", "CASE tm WHEN '24:00:00' THEN '23:59:59.999999' ELSE tm::text END", "CAST(tm AS STRING)"),
      new Column("ts", "timestamp", "DATETIME",
          "CASE ts WHEN 'infinity' THEN '9999-12-31 23:59:59.999999' WHEN '-infinity' THEN '0001-01-01 00:00:00'"
              + " ELSE ts::text END", "CAST(ts AS STRING)"),
      new Column("tz", "timestamptz", "TIMESTAMP", "CASE tz WHEN 'infinity' THEN '253402300799999999'"
          + " WHEN '-infinity' THEN '-62135596800000000' ELSE (extract(epoch FROM tz) * 1000000)::bigint::text END",
          "CAST(UNIX_MICROS(tz) AS STRING)"),
      // the parts, not CAST(iv AS STRING): the emulator prints intervals as DuckDB does
      new Column("iv", "interval", "INTERVAL",
          "CASE WHEN iv IS NOT NULL THEN concat_ws('|', extract(year FROM iv)::int, extract(month FROM iv)::int, extract(day FROM iv)::int,"
              + " extract(hour FROM iv)::int, extract(minute FROM iv)::int, trunc(extract(second FROM iv))::int) END",
          "CONCAT(CAST(EXTRACT(YEAR FROM iv) AS STRING), '|', CAST(EXTRACT(MONTH FROM iv) AS STRING), '|',"
              + " CAST(EXTRACT(DAY FROM iv) AS STRING), '|', CAST(EXTRACT(HOUR FROM iv) AS STRING), '|',"
              + " CAST(EXTRACT(MINUTE FROM iv) AS STRING), '|', CAST(EXTRACT(SECOND FROM iv) AS STRING))"),
      // BigQuery prints JSON without spaces (the values here have none inside strings)
      new Column("j", "json", "JSON", "replace((j::jsonb)::text, ' ', '')", "TO_JSON_STRING(j)"),
      new Column("jb", "jsonb", "JSON", "replace(jb::text, ' ', '')", "TO_JSON_STRING(jb)"),
      new Column("u", "uuid", "STRING", "u::text", "u"),
      new Column("tt", "timetz", "STRING", "tt::text", "tt"),
      new Column("ai", "integer[]", "ARRAY<INT64>", arrayText("ai"), "ai"),
      new Column("ta", "text[]", "ARRAY<STRING>", arrayText("ta"), "ta"),
      new Column("an", "numeric(10,2)[]", "ARRAY<NUMERIC>", arrayText("trim_scale_all(an)"), "an"),
      new Column("mo", "mood", "STRING", "mo::text", "mo"),
      new Column("ip", "inet", "STRING", "CASE WHEN ip IS NOT NULL THEN format('%s', ip) END", "ip"),
      new Column("m", "money", "STRING", "m::text", "m"));

  private static final String ORDINARY = "(1, true, 32767, 2147483647, 9223372036854775807, 1.5, -2.25, 12345678.91,"
      + " 123456789012345678901234567890.0123456789, 1.5, 12345678901234567890123456789012345678901234567890.25,"
      + " 'text with ''quotes''', 'varchar', 'ab', 'name', 'x', '\\x00ff10', '2024-02-29', '13:45:30.123456',"
      + " '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+02', '1 year 2 months 3 days 04:05:06',"
      + " '{\"a\": [1, 2]}', '{\"b\": {\"c\": null}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '13:45:30+02',"
      + " '{1,2,3}', '{a,\"b c\"}', '{1.50,2.25}', 'happy', '192.168.0.1/24', 12.34)";
  private static final String SPECIAL = "(2, false, -32768, -2147483648, -9223372036854775808, 'NaN', 'Infinity',"
      + " -99999999.99, -0.0000000001, 0, 0, '', '', '', '', '', '\\x', 'infinity', '24:00:00', '-infinity',"
      + " 'infinity', '-1 days -02:00:00', '[]', 'null', '00000000-0000-0000-0000-000000000000', '00:00:00-14',"
      + " NULL, '{}', NULL, 'sad', '::1', -0.01)";
  private static final String NULLS = "(3" + ", NULL".repeat(31) + ")";

  private PostgresServer source;
  private LiveBigQuery live;

  private static String floatText(String value) {
    return "CASE WHEN " + value + " = 'NaN' THEN 'nan' WHEN " + value + " = 'Infinity' THEN 'inf' WHEN " + value
        + " = '-Infinity' THEN '-inf' ELSE " + value + "::text END";
  }

  /** As LiveBigQuery prints a REPEATED value; a NULL array arrives empty. */
  private static String arrayText(String array) {
    return "coalesce('[' || array_to_string(" + array + ", ', ') || ']', '[]')";
  }

  @BeforeEach
  void start() throws Exception {
    live = LiveBigQuery.fromEnvironment("etl_types_test");
    source = PostgresServer.start();
    StringBuilder create = new StringBuilder("CREATE TABLE public.types (id int PRIMARY KEY");
    COLUMNS.forEach(c -> create.append(", ").append(c.name()).append(' ').append(c.pgType()));
    sql("CREATE TYPE mood AS ENUM ('happy', 'sad')",
        "CREATE FUNCTION trim_scale_all(numeric[]) RETURNS numeric[] LANGUAGE sql AS"
            + " 'SELECT array_agg(trim_scale(x)) FROM unnest($1) x'",
        create.append(")").toString(),
        "INSERT INTO public.types VALUES " + ORDINARY + ", " + SPECIAL + ", " + NULLS,
        "CREATE PUBLICATION pub FOR TABLE public.types");
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
      live.close();
    }
  }

  private void sql(String... statements) throws Exception {
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @Test
  void everyMappedTypeArrivesAsItsBigQueryTypeWithTheSourcesValues() throws Exception {
    PipelineConfig config = PipelineConfig.builder()
        .pipeline("bq_types", "pub")
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("bigquery", null, live.config))
        .build();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (BigQueryDestination destination = live.destination("bq_types");
        PipelineRuntime pipeline = new PipelineRuntime(config, destination, EtlMetrics.noop(), Map.of("SOURCE_PASSWORD", PostgresServer.PASSWORD))) {
      Thread runner = new Thread(() -> {
        try {
          pipeline.run();
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "pipeline");
      runner.start();
      awaitReady(pipeline, failure);

      Map<String, String> types = new LinkedHashMap<>();
      for (Field field : live.bigquery().getTable(TableId.of(live.config.projectId(), live.config.datasetId(), "public_types"))
          .<StandardTableDefinition>getDefinition().getSchema().getFields()) {
        String type = field.getType().getStandardType().name();
        types.put(field.getName(), field.getMode() == Field.Mode.REPEATED ? "ARRAY<" + type + ">" : type);
      }
      Map<String, String> expectedTypes = new LinkedHashMap<>();
      expectedTypes.put("id", "INT64");
      COLUMNS.forEach(c -> expectedTypes.put(c.name(), c.bigQueryType()));
      assertEquals(expectedTypes, types, "the type mapping, as BigQuery reports the table");

      assertColumnsEqual("copied");
      // the same values through the streaming path (pgoutput's text, not COPY's)
      sql("INSERT INTO public.types SELECT id + 10, " + String.join(", ", COLUMNS.stream().map(Column::name).toList())
          + " FROM public.types");
      long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
      while (System.nanoTime() < deadline && failure.get() == null
          && !live.query("SELECT id FROM " + live.qualified("public_types")).contains("13")) {
        assertEquals("ready", pipeline.status().tables().get(0).state(), pipeline.status().tables().toString());
        Thread.sleep(live.emulated() ? 200 : 5_000);
      }
      assertNull(failure.get(), "the pipeline ran");
      assertColumnsEqual("streamed");
      pipeline.stop();
      runner.join();
    }
  }

  /** Each column on its own, so a failure names the type whose values differ. */
  private void assertColumnsEqual(String how) throws Exception {
    List<String> problems = new ArrayList<>();
    for (Column c : COLUMNS) {
      List<String> expected = new ArrayList<>();
      try (Connection conn = source.connect(); Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT id::text, " + c.pgText() + " FROM public.types ORDER BY id")) {
        while (rs.next()) {
          expected.add(rs.getString(1) + "|" + (rs.getString(2) == null ? (c.bigQueryType().startsWith("ARRAY") ? "[]" : "null")
              : rs.getString(2)));
        }
      }
      List<String> actual;
      try {
        actual = live.query("SELECT CAST(id AS STRING), " + c.bigQueryText() + " FROM "
            + live.qualified("public_types") + " ORDER BY id");
      } catch (BigQueryException e) {
        problems.add(c.name() + " " + c.pgType() + " → " + c.bigQueryType() + ": BigQuery refused " + c.bigQueryText()
            + ": " + e.getMessage());
        continue;
      }
      if (!LiveBigQuery.normalized(expected).equals(LiveBigQuery.normalized(actual))) {
        problems.add(c.name() + " " + c.pgType() + " → " + c.bigQueryType() + ": source " + expected + ", BigQuery " + actual);
      }
    }
    assertEquals(List.of(), problems, how + " values that differ");
  }

  private static void awaitReady(PipelineRuntime pipeline, AtomicReference<Throwable> failure) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline && failure.get() == null) {
      RuntimeStatus status = pipeline.status();
      if (status.tables().size() == 1 && status.tables().get(0).state().equals("ready")) {
        return;
      }
      Thread.sleep(200);
    }
    assertNull(failure.get(), "the pipeline ran");
    throw new AssertionError("table not ready: " + pipeline.status().tables());
  }
}
