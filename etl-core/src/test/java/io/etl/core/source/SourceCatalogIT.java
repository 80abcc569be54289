package io.etl.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.error.EtlException;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SourceCatalogIT {
  private static PostgresServer server;
  private static PostgresConnector connector;
  private final SourcePreflight preflight = new SourcePreflight();

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
    server.execute("CREATE DATABASE app");
    server.executeIn("app",
        "CREATE SCHEMA \"Mixed\"",
        "CREATE TABLE \"Mixed\".\"Order Items\" (\"Item Id\" int PRIMARY KEY,"
            + " \"unit price\" numeric(10,2) NOT NULL, note text)",
        "CREATE TABLE public.events (a int, b int, c varchar(20), PRIMARY KEY (b, a),"
            + " total int GENERATED ALWAYS AS (a + b) STORED)",
        "ALTER TABLE public.events DROP COLUMN c",
        "ALTER TABLE public.events ADD COLUMN d timestamptz",
        "ALTER TABLE public.events REPLICA IDENTITY FULL",
        "CREATE TABLE public.unpublished (id int)",
        "CREATE SCHEMA etl",
        "CREATE TABLE etl.table_state (id int)",
        "CREATE PUBLICATION pub FOR TABLE \"Mixed\".\"Order Items\", public.events, etl.table_state");
    PostgresConnectionConfig config =
        new PostgresConnectionConfig("localhost", server.port(), "app", "postgres", null, "disable");
    connector = new PostgresConnector(config, PostgresServer.PASSWORD, "etl-test");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static int oid(String quotedTable) {
    return (int) Long.parseLong(server.queryOne("app", "SELECT '" + quotedTable.replace("'", "''") + "'::regclass::oid"));
  }

  @Test
  void publishedTablesListsExactlyThePublicationsTablesWithoutTheStateSchema() throws Exception {
    try (Connection c = connector.open()) {
      List<PublishedTable> tables = preflight.publishedTables(c, "pub");
      assertEquals(List.of(
              new PublishedTable(oid("\"Mixed\".\"Order Items\""), new TableId("Mixed", "Order Items")),
              new PublishedTable(oid("public.events"), new TableId("public", "events"))),
          tables);
      assertEquals(List.of(), preflight.publishedTables(c, "no_such_pub"));
    }
  }

  @Test
  void readsQuotedMixedCaseTableWithSpacesInColumnNames() throws Exception {
    int oid = oid("\"Mixed\".\"Order Items\"");
    try (Connection c = connector.open()) {
      TableSchema schema = preflight.readTableSchema(c, oid);
      assertEquals(oid, schema.oid());
      assertEquals(new TableId("Mixed", "Order Items"), schema.id());
      assertEquals('d', schema.replicaIdentity());
      List<ColumnSchema> columns = schema.columns();
      assertEquals(3, columns.size());
      assertColumn(columns.get(0), "Item Id", "integer", false, true);
      assertColumn(columns.get(1), "unit price", "numeric(10,2)", false, false);
      assertColumn(columns.get(2), "note", "text", true, false);
      assertEquals(23, columns.get(0).typeOid());
      assertEquals(1700, columns.get(1).typeOid());
      assertEquals(-1, columns.get(2).typeModifier());
    }
  }

  @Test
  void skipsDroppedAndGeneratedColumnsAndReportsCompositeKeyAndReplicaIdentity() throws Exception {
    try (Connection c = connector.open()) {
      TableSchema schema = preflight.readTableSchema(c, oid("public.events"));
      assertEquals(List.of("a", "b", "d"), schema.columns().stream().map(ColumnSchema::name).toList());
      assertTrue(schema.columns().get(0).primaryKey());
      assertTrue(schema.columns().get(1).primaryKey());
      assertFalse(schema.columns().get(2).primaryKey());
      assertEquals("timestamp with time zone", schema.columns().get(2).typeName());
      assertEquals('f', schema.replicaIdentity());
    }
  }

  @Test
  void aTableThatNoLongerExistsIsFatal() throws Exception {
    server.executeIn("app", "CREATE TABLE public.doomed (id int)");
    int oid = oid("public.doomed");
    server.executeIn("app", "DROP TABLE public.doomed");
    try (Connection c = connector.open()) {
      EtlException e = assertThrows(EtlException.class, () -> preflight.readTableSchema(c, oid));
      assertFalse(e.isRetryable());
      assertEquals("source_table_missing", e.category());
      assertTrue(e.reason().contains(Integer.toUnsignedString(oid)), e.reason());
    }
  }

  private static void assertColumn(ColumnSchema column, String name, String type, boolean nullable, boolean pk) {
    assertEquals(name, column.name());
    assertEquals(type, column.typeName());
    assertEquals(nullable, column.nullable(), name + " nullable");
    assertEquals(pk, column.primaryKey(), name + " primary key");
  }
}
