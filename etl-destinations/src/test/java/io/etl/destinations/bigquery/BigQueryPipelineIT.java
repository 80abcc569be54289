package io.etl.destinations.bigquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.PipelineRuntime;
import io.etl.core.pipeline.RuntimeStatus;
import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * A whole pipeline from an embedded PostgreSQL into BigQuery (the real service when configured,
 * else the emulator): three tables copied and compared with the source, then streamed while they
 * change (TOAST included) and compared again.
 *
 * <p>After the changes the real service, which applies CDC records by key, holds what the source
 * holds. The emulator appends every record as a row: there the append-only table must equal the
 * source, and every row of the keyed tables must be found among BigQuery's rows, whole (so an UPDATE
 * that left a TOASTed value unchanged still carried it).
 */
class BigQueryPipelineIT {
  /** 64 kB of random hex: compressed it still exceeds the TOAST threshold, so it is stored out of line. */
  private static final String BIG = "(SELECT string_agg(md5(random()::text || s), '') FROM generate_series(1, 2000) s)";

  /** Per table: the source query and the BigQuery query that print the same rows the same way. */
  private static final Map<String, String[]> READ_BACK = new LinkedHashMap<>();

  static {
    READ_BACK.put("shop.items", new String[] {
        "SELECT id::text, name, trim_scale(price)::text, array_to_string(tags, ','),"
            + " (extract(epoch FROM updated) * 1000000)::bigint::text, replace(doc::text, ' ', '') FROM shop.items ORDER BY id",
        "SELECT CAST(id AS STRING), name, CAST(price AS STRING), ARRAY_TO_STRING(tags, ','),"
            + " CAST(UNIX_MICROS(updated) AS STRING), TO_JSON_STRING(doc) FROM `%s.shop_items` ORDER BY id"});
    READ_BACK.put("public.users", new String[] {
        "SELECT id::text, email, md5(bio) FROM public.users ORDER BY id",
        "SELECT CAST(id AS STRING), email, TO_HEX(MD5(bio)) FROM `%s.public_users` ORDER BY id"});
    READ_BACK.put("shop.events", new String[] {
        "SELECT line FROM shop.events ORDER BY line",
        "SELECT line FROM `%s.shop_events` ORDER BY line"});
  }

  private PostgresServer source;
  private LiveBigQuery live;

  @BeforeEach
  void start() throws Exception {
    live = LiveBigQuery.fromEnvironment("etl_pipeline_test");
    source = PostgresServer.start();
    sql("CREATE SCHEMA shop",
        "CREATE TABLE shop.items (id bigint PRIMARY KEY, name text, price numeric(10,2), tags text[], updated timestamptz,"
            + " doc jsonb)",
        "CREATE TABLE public.users (id int PRIMARY KEY, email text, bio text)",
        "ALTER TABLE public.users REPLICA IDENTITY FULL",
        "CREATE TABLE shop.events (line text)",
        "INSERT INTO shop.items SELECT g, 'item ' || g, g * 1.25, ARRAY['a', 'b' || g], '2024-01-01'::timestamptz + g * interval '1 hour',"
            + " jsonb_build_object('n', g) FROM generate_series(1, 50) g",
        "INSERT INTO public.users SELECT g, 'u' || g || '@example.com', " + BIG + " FROM generate_series(1, 5) g",
        "INSERT INTO shop.events SELECT 'copied ' || g FROM generate_series(1, 10) g",
        "CREATE PUBLICATION pub FOR TABLE shop.items, public.users, shop.events");
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
      live.close();
    }
  }

  private void sql(String... statements) throws SQLException {
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @Test
  void copiesAndStreamsThreeTablesAndBigQueryReadsBackAsTheSource() throws Exception {
    PipelineConfig config = PipelineConfig.builder()
        .pipeline("bq_pipeline", "pub")
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("bigquery", null, live.config))
        .build();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (BigQueryDestination destination = live.destination();
        PipelineRuntime pipeline = new PipelineRuntime(config, destination, EtlMetrics.noop(), Map.of("SOURCE_PASSWORD", PostgresServer.PASSWORD))) {
      Thread runner = new Thread(() -> {
        try {
          pipeline.run();
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "pipeline");
      runner.start();
      awaitStreaming(pipeline, failure);
      assertEquals(sourceRows(), bigQueryRows(), "the copy holds what the source holds");

      sql("UPDATE shop.items SET price = price + 1, tags = tags || 'x'::text WHERE id % 3 = 0",
          "DELETE FROM shop.items WHERE id % 7 = 0",
          "UPDATE shop.items SET id = id + 1000 WHERE id = 1",
          "INSERT INTO shop.items VALUES (2000, 'new', 9.99, ARRAY['n'], now(), '{\"n\": 2000}')",
          // leaves the TOASTed bio unchanged: its value must survive in BigQuery
          "UPDATE public.users SET email = 'changed' || id || '@example.com' WHERE id <= 3",
          "INSERT INTO shop.events SELECT 'streamed ' || g FROM generate_series(1, 5) g",
          "BEGIN; UPDATE shop.items SET name = 'first' WHERE id = 2; UPDATE shop.items SET name = 'second' WHERE id = 2; COMMIT");

      Map<String, List<String>> expected = sourceRows();
      Map<String, List<String>> actual = Map.of();
      long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
      while (System.nanoTime() < deadline && failure.get() == null) {
        actual = bigQueryRows();
        if (arrived(expected, actual)) {
          break;
        }
        Thread.sleep(live.emulated() ? 500 : 5_000);
      }
      assertNull(failure.get(), "the pipeline ran");
      if (live.emulated()) {
        assertEquals(expected.get("shop.events"), actual.get("shop.events"), "the append-only table");
        for (String table : List.of("shop.items", "public.users")) {
          List<String> missing = new ArrayList<>(expected.get(table));
          missing.removeAll(actual.get(table));
          assertEquals(List.of(), missing, "source rows of " + table + " no record brought to BigQuery");
        }
      } else {
        assertEquals(expected, actual, "BigQuery holds what the source holds");
      }
      RuntimeStatus status = pipeline.status();
      assertEquals(List.of("ready", "ready", "ready"), status.tables().stream().map(RuntimeStatus.TableStatus::state).toList(),
          status.tables().toString());
      pipeline.stop();
      runner.join();
    }
  }

  /** Whether BigQuery shows the source's rows: all of them, and (real service) nothing else. */
  private boolean arrived(Map<String, List<String>> expected, Map<String, List<String>> actual) {
    if (!live.emulated()) {
      return actual.equals(expected);
    }
    return expected.entrySet().stream().allMatch(e -> actual.get(e.getKey()).containsAll(e.getValue()));
  }

  private static void awaitStreaming(PipelineRuntime pipeline, AtomicReference<Throwable> failure) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline && failure.get() == null) {
      RuntimeStatus status = pipeline.status();
      if (status.tables().size() == 3 && status.tables().stream().allMatch(t -> t.state().equals("ready"))) {
        return;
      }
      Thread.sleep(1_000);
    }
    assertNull(failure.get(), "the pipeline ran");
    throw new AssertionError("tables not streaming: " + pipeline.status().tables());
  }

  private Map<String, List<String>> sourceRows() throws SQLException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    try (Connection c = source.connect(); Statement s = c.createStatement()) {
      for (var e : READ_BACK.entrySet()) {
        List<String> table = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(e.getValue()[0])) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
              values.add(String.valueOf(rs.getString(i)));
            }
            table.add(String.join("|", values));
          }
        }
        rows.put(e.getKey(), LiveBigQuery.normalized(table));
      }
    }
    return rows;
  }

  private Map<String, List<String>> bigQueryRows() throws Exception {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    String dataset = live.config.projectId() + "." + live.config.datasetId();
    for (var e : READ_BACK.entrySet()) {
      rows.put(e.getKey(), LiveBigQuery.normalized(live.query(String.format(e.getValue()[1], dataset))));
    }
    return rows;
  }
}
