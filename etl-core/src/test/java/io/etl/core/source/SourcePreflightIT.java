package io.etl.core.source;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.PostgresConnectionConfig;
import io.etl.core.error.EtlException;
import io.etl.core.testing.PostgresServer;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SourcePreflightIT {
  private static final String APPLY_SLOT = "etl_p1_apply";

  private static PostgresServer logical;
  private static PostgresServer replica;
  private final SourcePreflight preflight = new SourcePreflight();

  @BeforeAll
  static void start() {
    logical = PostgresServer.start();
    replica = PostgresServer.start("replica");
    logical.execute("CREATE DATABASE shop");
    logical.executeIn("shop",
        "CREATE TABLE orders (id int PRIMARY KEY)",
        "CREATE PUBLICATION etl_pub FOR TABLE orders",
        "CREATE ROLE plain LOGIN PASSWORD 'plain-pw'",
        "GRANT SELECT ON orders TO plain");
  }

  @AfterAll
  static void stop() {
    logical.close();
    replica.close();
  }

  private static Connection open(PostgresServer server, String database, String user, String password) {
    PostgresConnectionConfig config =
        new PostgresConnectionConfig("localhost", server.port(), database, user, null, "disable");
    return new PostgresConnector(config, password, "etl-test").open();
  }

  private static Connection openShop() {
    return open(logical, "shop", "postgres", PostgresServer.PASSWORD);
  }

  @Test
  void passesOnALogicalServerWithThePublicationAndAReplicationRole() throws Exception {
    try (Connection c = openShop()) {
      assertDoesNotThrow(() -> preflight.check(c, "etl_pub", APPLY_SLOT));
    }
  }

  @Test
  void missingPublicationIsFatalNamingItAndHowToCreateIt() throws Exception {
    try (Connection c = openShop()) {
      EtlException e = assertThrows(EtlException.class, () -> preflight.check(c, "no_such_pub", APPLY_SLOT));
      assertFalse(e.isRetryable());
      assertEquals("source_publication_missing", e.category());
      assertTrue(e.getMessage().contains("no_such_pub"), e.getMessage());
      assertTrue(e.getMessage().contains("CREATE PUBLICATION"), e.getMessage());
      assertTrue(e.getMessage().contains("shop"), e.getMessage());
    }
  }

  @Test
  void aPublicationThatPublishesEverythingNeedsNoWarning() throws Exception {
    try (Connection c = openShop()) {
      assertEquals(List.of(), SourcePreflight.checkPublication(c, "etl_pub"));
    }
  }

  @Test
  void columnListsAndRowFiltersAreRefusedNamingTheTables() throws Exception {
    logical.executeIn("shop",
        "CREATE TABLE customers (id int PRIMARY KEY, name text, secret text)",
        "CREATE PUBLICATION filtered_pub FOR TABLE orders WHERE (id > 10), customers (id, name)");
    try (Connection c = openShop()) {
      EtlException e = assertThrows(EtlException.class, () -> SourcePreflight.checkPublication(c, "filtered_pub"));
      assertFalse(e.isRetryable());
      assertEquals("source_publication_filtered", e.category());
      assertTrue(e.getMessage().contains("for public.customers, public.orders;"), e.getMessage());
      assertTrue(e.getMessage().contains("ALTER PUBLICATION filtered_pub SET TABLE"), e.getMessage());
    }
  }

  @Test
  void aPublicationWithoutTruncateIsNamedWithTheFix() throws Exception {
    logical.executeIn("shop", "CREATE PUBLICATION no_truncate_pub FOR TABLE orders WITH (publish = 'insert, update, delete')");
    try (Connection c = openShop()) {
      assertEquals(List.of("Publication no_truncate_pub does not publish TRUNCATE, so a truncated source table keeps its"
              + " rows in the destination. Fix: ALTER PUBLICATION no_truncate_pub SET (publish = 'insert, update, delete,"
              + " truncate');"),
          SourcePreflight.checkPublication(c, "no_truncate_pub"));
    }
  }

  @Test
  void partitionsPublishedThroughTheirRootComeWithWhatPostgresDoesNotReplicate() throws Exception {
    logical.executeIn("shop",
        "CREATE TABLE readings (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
        "CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE PUBLICATION via_root_pub FOR TABLE readings WITH (publish_via_partition_root = true)",
        "CREATE PUBLICATION via_leaves_pub FOR TABLE readings WITH (publish_via_partition_root = false)");
    try (Connection c = openShop()) {
      List<String> warnings = SourcePreflight.checkPublication(c, "via_root_pub");
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("Publication via_root_pub publishes partitioned tables through their root"
          + " (publish_via_partition_root = true): public.readings. PostgreSQL then does not replicate a TRUNCATE of a"
          + " single partition"), warnings.get(0));
      assertEquals(List.of(), SourcePreflight.checkPublication(c, "via_leaves_pub"));
    }
  }

  @Test
  void walLevelReplicaIsFatalAndAsksForLogical() throws Exception {
    try (Connection c = open(replica, "postgres", "postgres", PostgresServer.PASSWORD)) {
      EtlException e = assertThrows(EtlException.class, () -> preflight.check(c, "etl_pub", APPLY_SLOT));
      assertFalse(e.isRetryable());
      assertEquals("source_wal_level", e.category());
      assertTrue(e.reason().contains("wal_level = replica"), e.reason());
      assertTrue(e.solution().contains("ALTER SYSTEM SET wal_level = logical"), e.solution());
      assertTrue(e.solution().contains("restart"), e.solution());
    }
  }

  @Test
  void roleWithoutReplicationIsFatalAndSaysHowToGrantIt() throws Exception {
    try (Connection c = open(logical, "shop", "plain", "plain-pw")) {
      EtlException e = assertThrows(EtlException.class, () -> preflight.check(c, "etl_pub", APPLY_SLOT));
      assertFalse(e.isRetryable());
      assertEquals("source_role_cannot_replicate", e.category());
      assertTrue(e.reason().contains("plain") && e.reason().contains("REPLICATION"), e.reason());
      assertTrue(e.solution().contains("ALTER ROLE plain WITH REPLICATION"), e.solution());
    }
  }

  @Test
  void exhaustedSlotsFailUntilTheApplySlotAlreadyExists() throws Exception {
    int max = Integer.parseInt(logical.queryOne("postgres", "SHOW max_replication_slots"));
    int used = Integer.parseInt(logical.queryOne("postgres", "SELECT count(*) FROM pg_replication_slots"));
    logical.execute("SELECT pg_create_physical_replication_slot('filler_' || i) FROM generate_series(1, "
        + (max - used) + ") i");
    try (Connection c = openShop()) {
      EtlException e = assertThrows(EtlException.class, () -> preflight.check(c, "etl_pub", APPLY_SLOT));
      assertFalse(e.isRetryable());
      assertEquals("source_replication_slots_exhausted", e.category());
      assertTrue(e.reason().contains(APPLY_SLOT), e.reason());
      assertTrue(e.solution().contains("max_replication_slots"), e.solution());

      // A restarted pipeline whose slot exists needs no new one.
      logical.execute("SELECT pg_drop_replication_slot('filler_1')");
      logical.execute("SELECT pg_create_physical_replication_slot('" + APPLY_SLOT + "')");
      assertDoesNotThrow(() -> preflight.check(c, "etl_pub", APPLY_SLOT));
    } finally {
      logical.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
          + " WHERE slot_name LIKE 'filler\\_%' OR slot_name = '" + APPLY_SLOT + "'");
    }
  }

  @Test
  void serversOlderThan14AreRejectedWithAnUpgradeHint() {
    EtlException e = assertThrows(EtlException.class, () -> SourcePreflight.requireSupportedVersion(130012, "13.12"));
    assertEquals("source_version_unsupported", e.category());
    assertTrue(e.reason().contains("13.12") && e.reason().contains("14"), e.reason());
    assertDoesNotThrow(() -> SourcePreflight.requireSupportedVersion(140000, "14.0"));
  }
}
