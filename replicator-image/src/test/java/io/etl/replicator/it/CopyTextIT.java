package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.TableSyncConfig;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The initial copy into a PostgreSQL destination passes the source's COPY text through without
 * decoding it. Values whose COPY text is escaped (backslashes, tabs, newlines, carriage returns,
 * a literal {@code \N}, control characters), NULLs, empty strings, non-ASCII text and binary,
 * array, JSON, range and special numeric values must arrive exactly as they are at the source,
 * in a table split into ctid ranges, with chunks smaller than the table.
 */
class CopyTextIT {
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE awkward (id int PRIMARY KEY, t text, b bytea, a text[], j jsonb, n numeric, f float8,"
            + " ts timestamptz, r int4range, x xml, c \"char\")",
        "INSERT INTO awkward SELECT g,"
            + " CASE g % 9 WHEN 0 THEN E'back\\\\slash' WHEN 1 THEN E'tab\\there' WHEN 2 THEN E'new\\nline'"
            + "   WHEN 3 THEN E'carriage\\rreturn' WHEN 4 THEN '\\N' WHEN 5 THEN '' WHEN 6 THEN NULL"
            + "   WHEN 7 THEN E'ctl\\x01\\x07\\x1f' ELSE 'zażółć 漢字 ' || g END,"
            + " decode(lpad(to_hex(g), 8, '0') || '005c0a09', 'hex'),"
            + " ARRAY['q\"uote', E'b\\\\s', NULL, 'tab\tx', '{brace}'],"
            + " jsonb_build_object('k', E'v\\n\\t\\\\', 'n', g),"
            + " CASE WHEN g % 50 = 0 THEN 'NaN'::numeric ELSE g / 7.0 END,"
            + " CASE WHEN g % 40 = 0 THEN '-Infinity'::float8 ELSE g * 1.5e-3 END,"
            + " timestamptz '2024-02-29 12:34:56.789+00' + g * interval '1 minute',"
            + " int4range(g, g + 10, '[]'),"
            + " ('<v a=\"' || g || '\">&amp;' || E'\\t' || '</v>')::xml,"
            + " chr(65 + g % 26)::\"char\""
            + " FROM generate_series(1, 30000) g",
        "CREATE PUBLICATION awkward_pub FOR TABLE awkward");
  }

  @AfterAll
  static void stopServers() {
    if (source != null) {
      source.close();
    }
    if (destination != null) {
      destination.close();
    }
  }

  @Test
  void everyValueArrivesExactlyAsAtTheSource() throws Exception {
    PipelineConfig config = PipelineConfig.builder()
        .pipeline("copy_text", "awkward_pub")
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("postgres", destination.connectionConfig("postgres", "DESTINATION_PASSWORD")))
        // ranges and chunks much smaller than the table: many COPY FROM calls per range
        .tableSync(TableSyncConfig.builder().rangesPerTable(3).parallelMinPages(1).rowsPerWrite(1_000).build())
        .build();
    PostgresDestination target =
        new PostgresDestination(config.destination().postgres(), PostgresServer.PASSWORD, config.pipeline().id());
    try (RunningPipeline pipeline = RunningPipeline.start(config, target, EtlMetrics.noop())) {
      pipeline.awaitAllTablesStreaming();
      assertEquals("30000", destination.queryOne("postgres", "SELECT count(*) FROM awkward"));
      assertEquals(source.contentFingerprint("postgres", "awkward"), destination.contentFingerprint("postgres", "awkward"),
          "the destination's rows equal the source's, value for value");
      assertEquals("t", destination.queryOne("postgres",
          "SELECT bool_and(t IS NULL) FROM awkward WHERE id % 9 = 6"), "NULL stays NULL");
      assertEquals("\\N", destination.queryOne("postgres", "SELECT t FROM awkward WHERE id = 4"),
          "a literal backslash-N stays text");
    }
  }
}
