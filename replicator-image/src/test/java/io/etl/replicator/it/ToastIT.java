package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.StateStoreConfig;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.event.Row;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.schema.TableId;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UPDATEs that leave a large TOASTed value unchanged: pgoutput sends such a value as "unchanged",
 * not as data, and the destination must keep what it has instead of writing NULL or a placeholder.
 * The values are 1 MB of random text, stored out of line (random text does not compress; two of
 * the tables also say STORAGE EXTERNAL), in a table with the default replica identity, one with
 * REPLICA IDENTITY FULL and one without a primary key (FULL too). Both the PostgreSQL and the
 * memory destination must end equal to the source.
 */
class ToastIT {
  private static final List<String> TABLES = List.of("docs_default", "docs_full", "docs_nokey");
  private static final int MB = 1024 * 1024;
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        // 32 hex digits per md5: kb * 32 of them make kb KiB of text that does not compress
        "CREATE FUNCTION random_text(kb int) RETURNS text LANGUAGE sql VOLATILE"
            + " AS $$ SELECT string_agg(md5(random()::text), '') FROM generate_series(1, kb * 32) $$",
        "CREATE TABLE docs_default (id int PRIMARY KEY, version int NOT NULL, title text, body text, appendix text)",
        "ALTER TABLE docs_default ALTER COLUMN body SET STORAGE EXTERNAL",
        "CREATE TABLE docs_full (id int PRIMARY KEY, version int NOT NULL, title text, body text, appendix text)",
        "ALTER TABLE docs_full REPLICA IDENTITY FULL",
        "CREATE TABLE docs_nokey (id int NOT NULL, version int NOT NULL, title text, body text, appendix text)",
        "ALTER TABLE docs_nokey ALTER COLUMN body SET STORAGE EXTERNAL",
        "ALTER TABLE docs_nokey REPLICA IDENTITY FULL",
        "CREATE PUBLICATION toast_pub FOR TABLE docs_default, docs_full, docs_nokey");
    for (String table : TABLES) {
      source.execute("INSERT INTO " + table + " SELECT g, 0, 'doc ' || g, random_text(1024), random_text(64)"
          + " FROM generate_series(1, 6) g");
    }
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
  void updatesThatLeaveAToastedValueUnchangedKeepItInTheDestination() throws Exception {
    for (String table : TABLES) {
      assertStoredOutOfLine(table);
    }
    UnchangedToastCounter toPostgres = new UnchangedToastCounter(
        new PostgresDestination(destination.connectionConfig("postgres", "DESTINATION_PASSWORD"), PostgresServer.PASSWORD,
            "toast_pg"));
    MemoryDestination memory = new MemoryDestination();
    UnchangedToastCounter toMemory = new UnchangedToastCounter(memory);
    try (RunningPipeline postgresPipeline = RunningPipeline.start(config("toast_pg", "postgres"), toPostgres, EtlMetrics.noop());
        RunningPipeline memoryPipeline = RunningPipeline.start(config("toast_mem", "memory"), toMemory, EtlMetrics.noop())) {
      postgresPipeline.awaitAllTablesStreaming();
      memoryPipeline.awaitAllTablesStreaming();

      for (String table : TABLES) {
        change(table);
      }

      Convergence.assertConverges(source, destination, TABLES, postgresPipeline::allTablesStreaming, Duration.ofMinutes(2));
      for (String table : TABLES) {
        assertEquals(summaries(source, table), summaries(destination, table), table + " in the PostgreSQL destination");
      }
      Await.holdsWithin(() -> TABLES.stream().allMatch(t -> summaries(source, t).equals(summaries(memory, t))),
          Duration.ofMinutes(2));
      for (String table : TABLES) {
        assertEquals(summaries(source, table), summaries(memory, table), table + " in the memory destination");
      }
      // the changes really arrived with unchanged TOAST values (about 15 per table)
      for (String table : TABLES) {
        assertTrue(toPostgres.updatesWithUnchangedToast(table) >= 10,
            table + ": updates with unchanged TOAST values " + toPostgres.updatesWithUnchangedToast(table));
        assertTrue(toMemory.updatesWithUnchangedToast(table) >= 10,
            table + ": updates with unchanged TOAST values " + toMemory.updatesWithUnchangedToast(table));
      }
    }
  }

  /** Each statement is its own transaction unless it says BEGIN. */
  private static void change(String table) {
    source.executeIn("postgres",
        // other columns only: body and appendix travel as "unchanged"
        "UPDATE " + table + " SET version = version + 1, title = 'retitled' WHERE id IN (1, 2)",
        // the large value itself changes; appendix stays unchanged
        "UPDATE " + table + " SET body = random_text(1024), version = version + 1 WHERE id = 3",
        // the key changes, the large values do not
        "UPDATE " + table + " SET id = id + 1000, version = version + 1 WHERE id = 4",
        // one transaction: a new row updated at once, and one row whose body changes between two
        // updates that leave it unchanged (different statement shapes in one batch)
        "BEGIN",
        "INSERT INTO " + table + " VALUES (7, 0, 'new', random_text(1024), random_text(64))",
        "UPDATE " + table + " SET title = 'new, retitled' WHERE id = 7",
        "UPDATE " + table + " SET title = 'first' WHERE id = 5",
        "UPDATE " + table + " SET body = random_text(1024), title = 'second' WHERE id = 5",
        "UPDATE " + table + " SET version = version + 10 WHERE id = 5",
        "COMMIT",
        // a real NULL still arrives as NULL, and stays NULL after an update of another column
        "UPDATE " + table + " SET body = NULL WHERE id = 6",
        "UPDATE " + table + " SET version = version + 1 WHERE id = 6",
        "DELETE FROM " + table + " WHERE id = 2",
        "UPDATE " + table + " SET version = version + 1 WHERE id IN (1, 3, 1004, 5, 7)");
  }

  /** The precondition of the test: the large values live in the TOAST table, uncompressed. */
  private static void assertStoredOutOfLine(String table) {
    long toastBytes = Long.parseLong(source.queryOne("postgres",
        "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = '" + table + "'::regclass"));
    long smallestStored = Long.parseLong(source.queryOne("postgres", "SELECT min(pg_column_size(body)) FROM " + table));
    assertTrue(toastBytes >= 6L * MB, table + ": TOAST table holds " + toastBytes + " bytes");
    assertTrue(smallestStored >= MB, table + ": smallest stored body " + smallestStored + " bytes");
  }

  /** Each row with its large values as md5 and length, sorted: a readable difference on failure. */
  private static List<List<String>> summaries(PostgresServer server, String table) {
    return sorted(server.query("postgres", "SELECT id::text, version::text, title, body, appendix FROM " + table));
  }

  private static List<List<String>> summaries(MemoryDestination memory, String table) {
    List<List<String>> rows = new ArrayList<>();
    for (Row row : memory.rows(new TableId("public", table))) {
      rows.add(java.util.Arrays.asList(row.values()));
    }
    return sorted(rows);
  }

  private static List<List<String>> sorted(List<List<String>> rows) {
    List<List<String>> summaries = new ArrayList<>();
    for (List<String> row : rows) {
      List<String> summary = new ArrayList<>();
      for (String value : row) {
        summary.add(value == null ? null : value == Row.UNCHANGED_TOAST ? "<unchanged toast placeholder>"
            : value.length() > 100 ? "md5 " + md5(value) + ", " + value.length() + " chars" : value);
      }
      summaries.add(summary);
    }
    summaries.sort(Comparator.comparing(Object::toString));
    return summaries;
  }

  private static String md5(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PipelineConfig config(String id, String destinationType) {
    boolean postgres = destinationType.equals("postgres");
    return PipelineConfig.builder()
        .pipeline(id, "toast_pub")
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig(destinationType,
            postgres ? destination.connectionConfig("postgres", "DESTINATION_PASSWORD") : null))
        .stateStore(new StateStoreConfig(postgres ? "postgres" : "memory"))
        .build();
  }
}
