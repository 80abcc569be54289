package io.etl.replicator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.config.DestinationConfig;
import io.etl.core.config.PipelineConfig;
import io.etl.core.config.TableSyncConfig;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.testing.PostgresServer;
import io.etl.destinations.postgres.PostgresDestination;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A range-partitioned table (one partition partitioned again, and a default partition) published
 * through its root ({@code publish_via_partition_root = true}: one destination table) and through
 * its leaves ({@code false}: one destination table per leaf partition), while rows are inserted,
 * moved between partitions by updates of the partition key, deleted and truncated. Also a table
 * with inheritance children, which a publication lists each on its own.
 */
class PartitionedTablesIT {
  private static final List<String> LEAVES = List.of("m_2024_q1", "m_2024_q2", "m_2024_q3", "m_2024_q4", "m_default");
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void startServers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.executeIn("postgres",
        "CREATE TABLE measurements (id bigint, at date NOT NULL, value numeric, note text, PRIMARY KEY (id, at))"
            + " PARTITION BY RANGE (at)",
        "CREATE TABLE m_2024_q1 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2024-04-01')",
        "CREATE TABLE m_2024_q2 PARTITION OF measurements FOR VALUES FROM ('2024-04-01') TO ('2024-07-01')",
        "CREATE TABLE m_2024_h2 PARTITION OF measurements FOR VALUES FROM ('2024-07-01') TO ('2025-01-01')"
            + " PARTITION BY RANGE (at)",
        "CREATE TABLE m_2024_q3 PARTITION OF m_2024_h2 FOR VALUES FROM ('2024-07-01') TO ('2024-10-01')",
        "CREATE TABLE m_2024_q4 PARTITION OF m_2024_h2 FOR VALUES FROM ('2024-10-01') TO ('2025-01-01')",
        "CREATE TABLE m_default PARTITION OF measurements DEFAULT",
        "INSERT INTO measurements SELECT g, date '2024-01-01' + (g % 400), g * 0.5, 'seed' FROM generate_series(1, 4000) g",
        "CREATE PUBLICATION via_root_pub FOR TABLE measurements WITH (publish_via_partition_root = true)",
        "CREATE PUBLICATION via_leaves_pub FOR TABLE measurements WITH (publish_via_partition_root = false)");
    destination.execute("CREATE DATABASE via_root");
    destination.execute("CREATE DATABASE via_leaves");
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
  void partitionedTableReplicatesThroughItsRootAndThroughItsLeaves() throws Exception {
    try (RunningPipeline viaRoot = start("via_root", "via_root_pub", "via_root");
        RunningPipeline viaLeaves = start("via_leaves", "via_leaves_pub", "via_leaves")) {
      viaRoot.awaitAllTablesStreaming();
      viaLeaves.awaitAllTablesStreaming();
      assertEquals(List.of("measurements"), tablesIn("via_root"), "via the root: one destination table");
      assertEquals(LEAVES, tablesIn("via_leaves"), "via the leaves: one destination table per leaf");

      source.executeIn("postgres",
          "INSERT INTO measurements SELECT g, date '2024-01-01' + (g % 400), g, 'new' FROM generate_series(4001, 5000) g",
          // into a partition directly
          "INSERT INTO m_2024_q2 SELECT g, date '2024-05-01', g, 'direct' FROM generate_series(5001, 5100) g",
          "UPDATE measurements SET value = value + 1 WHERE id % 7 = 0",
          // the partition key moves rows to another partition, the sub-partitioned one and the default included
          "UPDATE measurements SET at = at + 91, note = 'moved' WHERE id % 5 = 0",
          "UPDATE measurements SET at = date '2030-01-01' WHERE id % 11 = 0",
          "UPDATE measurements SET at = date '2024-02-01' WHERE at >= date '2025-01-01' AND id % 3 = 0",
          "DELETE FROM measurements WHERE id % 13 = 0",
          "BEGIN",
          "UPDATE measurements SET at = at + 30 WHERE id BETWEEN 100 AND 200",
          "DELETE FROM m_2024_q1 WHERE id BETWEEN 300 AND 350",
          "COMMIT");
      awaitConverged();

      // TRUNCATE of the partitioned table reaches every partition (via the root: the root)
      source.executeIn("postgres",
          "TRUNCATE measurements",
          "INSERT INTO measurements SELECT g, date '2024-01-01' + (g % 400), g, 'after truncate' FROM generate_series(1, 2000) g",
          "UPDATE measurements SET at = at + 120 WHERE id % 4 = 0");
      awaitConverged();

      // A TRUNCATE of one partition reaches the leaves' destination. Through the root PostgreSQL
      // sends nothing for it (the replicator warns about that at start-up), so that one is not compared.
      source.executeIn("postgres", "TRUNCATE m_2024_q2", "INSERT INTO m_2024_q2 VALUES (9001, '2024-06-01', 1, 'after')");
      Convergence.assertConverges(source, destination, "via_leaves", LEAVES, () -> true, Duration.ofMinutes(2));
    }
  }

  @Test
  void inheritanceChildrenAreCopiedAsTheirOwnTablesOnly() throws Exception {
    source.executeIn("postgres",
        "CREATE TABLE events (id int PRIMARY KEY, kind text)",
        "CREATE TABLE special_events (extra text) INHERITS (events)",
        "ALTER TABLE special_events ADD PRIMARY KEY (id)",
        "INSERT INTO events SELECT g, 'plain' FROM generate_series(1, 100) g",
        "INSERT INTO special_events SELECT g, 'special', 'x' FROM generate_series(101, 150) g",
        // without ONLY a publication takes the table's inheritance children too
        "CREATE PUBLICATION inheritance_pub FOR TABLE events");
    destination.execute("CREATE DATABASE inheritance");
    try (RunningPipeline pipeline = start("inheritance", "inheritance_pub", "inheritance")) {
      pipeline.awaitAllTablesStreaming();
      source.executeIn("postgres",
          "INSERT INTO events VALUES (1000, 'plain later')",
          "INSERT INTO special_events VALUES (1001, 'special later', 'y')",
          "UPDATE events SET kind = kind || '!' WHERE id % 10 = 0",
          "DELETE FROM events WHERE id % 25 = 0");
      Map<String, String> expected = Map.of(
          "events", source.contentFingerprint("postgres", "ONLY events"),
          "special_events", source.contentFingerprint("postgres", "special_events"));
      Map<String, String> actual = new LinkedHashMap<>();
      Await.holdsWithin(() -> {
        actual.put("events", destination.contentFingerprint("inheritance", "events"));
        actual.put("special_events", destination.contentFingerprint("inheritance", "special_events"));
        return actual.equals(expected);
      }, Duration.ofMinutes(2));
      assertEquals(expected, actual, "each table of the hierarchy holds its own rows only");
    }
  }

  private static RunningPipeline start(String id, String publication, String destinationDatabase) {
    PipelineConfig config = PipelineConfig.builder()
        .pipeline(id, publication)
        .source(source.connectionConfig("postgres", "SOURCE_PASSWORD"))
        .destination(new DestinationConfig("postgres", destination.connectionConfig(destinationDatabase, "DESTINATION_PASSWORD")))
        // small tables split into ctid ranges too, so a copy is exact per table however it is cut
        .tableSync(TableSyncConfig.builder().maxWorkers(2).rangesPerTable(3).parallelMinPages(1).build())
        .build();
    PostgresDestination target =
        new PostgresDestination(config.destination().postgres(), PostgresServer.PASSWORD, config.pipeline().id());
    return RunningPipeline.start(config, target, EtlMetrics.noop());
  }

  private static void awaitConverged() throws InterruptedException {
    Convergence.assertConverges(source, destination, "via_root", List.of("measurements"), () -> true, Duration.ofMinutes(2));
    Convergence.assertConverges(source, destination, "via_leaves", LEAVES, () -> true, Duration.ofMinutes(2));
  }

  private static List<String> tablesIn(String database) {
    return destination.query(database,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
        .stream().map(r -> r.get(0)).toList();
  }
}
