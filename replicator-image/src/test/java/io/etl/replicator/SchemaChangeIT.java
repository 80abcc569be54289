package io.etl.replicator;

import static io.etl.replicator.InProcessReplicator.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.testing.PostgresServer;
import io.etl.core.testing.TestPipelineConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema changes while streaming reach the PostgreSQL destination without a restart: after each
 * step the destination table has the source's columns (names and types, in order) and the
 * source's rows (count and content hash).
 */
class SchemaChangeIT {
  private static PostgresServer source;
  private static PostgresServer destination;

  @TempDir static Path dir;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
  }

  @AfterAll
  static void stopServers() {
    source.close();
    destination.close();
  }

  @Test
  void columnChangesTablesJoiningAndLeavingThePublication() throws Exception {
    source.executeIn("postgres",
        "CREATE TABLE t1 (id int PRIMARY KEY, a int, b text)",
        "INSERT INTO t1 SELECT g, g, 'b' || g FROM generate_series(1, 500) g",
        "CREATE TABLE side (id int PRIMARY KEY, v text)",
        "INSERT INTO side SELECT g, 'v' || g FROM generate_series(1, 50) g",
        "CREATE PUBLICATION pub FOR TABLE t1, side");
    try (InProcessReplicator replicator = InProcessReplicator.start(config("schema"), TestPipelineConfig.PASSWORDS)) {
      await(replicator::ready, "ready");
      awaitSame("t1", "initial copy");

      step("t1", "ADD COLUMN without default",
          "ALTER TABLE t1 ADD COLUMN c int",
          "INSERT INTO t1 VALUES (1001, 1, 'new', 42)",
          "UPDATE t1 SET c = id WHERE id <= 10");
      step("t1", "ADD COLUMN with a constant default (existing rows hold it)",
          "ALTER TABLE t1 ADD COLUMN d text NOT NULL DEFAULT 'dflt'",
          "UPDATE t1 SET a = a + 1 WHERE id = 1");
      step("t1", "DROP COLUMN",
          "ALTER TABLE t1 DROP COLUMN b",
          "INSERT INTO t1 (id, a, c, d) VALUES (1002, 2, 3, 'x')");
      step("t1", "RENAME COLUMN (values kept)",
          "ALTER TABLE t1 RENAME COLUMN a TO a_renamed",
          "UPDATE t1 SET a_renamed = a_renamed * 10 WHERE id BETWEEN 20 AND 30");
      step("t1", "widening type change int -> bigint",
          "ALTER TABLE t1 ALTER COLUMN c TYPE bigint",
          "UPDATE t1 SET c = 5000000000 WHERE id = 2");
      step("t1", "DDL and DML in one transaction",
          "BEGIN; INSERT INTO t1 (id, a_renamed, d) VALUES (1003, 3, 'before'); ALTER TABLE t1 ADD COLUMN e int DEFAULT 7;"
              + " INSERT INTO t1 (id, a_renamed, d, e) VALUES (1004, 4, 'after', 8); UPDATE t1 SET e = 9 WHERE id = 3;"
              + " ALTER TABLE t1 DROP COLUMN d; DELETE FROM t1 WHERE id = 4; COMMIT");
      step("t1", "ADD COLUMN with a volatile default (the table is copied again)",
          "ALTER TABLE t1 ADD COLUMN f double precision DEFAULT random()",
          "UPDATE t1 SET a_renamed = -1 WHERE id = 5");
      step("t1", "a rename mixed with an add (the table is copied again)",
          "ALTER TABLE t1 RENAME COLUMN e TO e2",
          "ALTER TABLE t1 ADD COLUMN g int",
          "UPDATE t1 SET g = 1 WHERE id = 6");
      awaitSame("side", "the other table was not disturbed");

      source.executeIn("postgres",
          "CREATE TABLE t2 (id bigint PRIMARY KEY, note text)",
          "INSERT INTO t2 SELECT g, 'n' || g FROM generate_series(1, 300) g",
          "ALTER PUBLICATION pub ADD TABLE t2",
          "INSERT INTO t2 VALUES (1000, 'after joining')");
      awaitSame("t2", "a table added to the publication is copied, then streamed, without a restart");
      source.execute("UPDATE t2 SET note = 'streamed' WHERE id <= 10");
      awaitSame("t2", "and streamed");

      source.execute("ALTER PUBLICATION pub DROP TABLE t2");
      await(() -> source.queryOne("postgres",
          "SELECT count(*) FROM etl.table_states WHERE pipeline_id = 'schema'").equals("2"),
          "the state store forgets the table that left the publication");
      String kept = destination.contentFingerprint("postgres", "t2");
      source.execute("INSERT INTO t2 VALUES (2000, 'not replicated')");
      source.execute("INSERT INTO side VALUES (1000, 'marker')");
      awaitSame("side", "streaming goes on");
      assertEquals(kept, destination.contentFingerprint("postgres", "t2"), "a table that left is no longer changed");
      assertEquals("0", source.queryOne("postgres",
          "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'etl_schema_sync_%'"), "no sync slot left");
      assertEquals(0, replicator.stop(), replicator.err());
    }
  }

  private static void step(String table, String what, String... sql) throws InterruptedException {
    source.executeIn("postgres", sql);
    awaitSame(table, what);
  }

  private static void awaitSame(String table, String what) throws InterruptedException {
    await(() -> {
      try {
        return columns(destination, table).equals(columns(source, table))
            && destination.contentFingerprint("postgres", table).equals(source.contentFingerprint("postgres", table));
      } catch (IllegalStateException notCreatedYet) {
        return false;
      }
    }, what + ": destination " + table + " equals the source");
    assertEquals(columns(source, table), columns(destination, table), what);
  }

  private static List<List<String>> columns(PostgresServer server, String table) {
    return server.query("postgres", "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
        + " WHERE attrelid = '" + table + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
  }

  private static Path config(String id) throws Exception {
    return TestPipelineConfig.postgresToPostgres(id, "pub", source, destination)
        .overrides("""
        batch:
          maxFillMs: 50
        tableSync:
          publicationRefreshMs: 300
        """)
        .write(dir.resolve(id + ".yaml"));
  }
}
