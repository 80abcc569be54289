package io.etl.core.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot's lag read on a standby, where {@code pg_current_wal_lsn()} fails ("recovery is in
 * progress"). The standby is the primary's data directory, copied after a clean shutdown and
 * started with {@code standby.signal}: in recovery, with the primary's logical slot (PostgreSQL 16
 * and later keep logical slots on a standby).
 */
class StandbySlotLagIT {
  @TempDir Path temp;

  @Test
  void theLagOfASlotIsReadOnAStandby() throws Exception {
    Path primaryData = temp.resolve("primary");
    Path standbyData = temp.resolve("standby");
    try (EmbeddedPostgres primary = EmbeddedPostgres.builder().setDataDirectory(primaryData).setCleanDataDirectory(false)
        .setServerConfig("wal_level", "logical").setServerConfig("hot_standby", "on").start()) {
      try (Connection c = primary.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("SELECT pg_create_logical_replication_slot('lag_probe', 'pgoutput')");
        s.execute("CREATE TABLE t AS SELECT generate_series(1, 1000) AS id");
      }
    }
    copy(primaryData, standbyData);
    Files.deleteIfExists(standbyData.resolve("postmaster.pid"));
    Files.createFile(standbyData.resolve("standby.signal"));
    // the embedded server starts on an initialised data directory as it finds it
    try (EmbeddedPostgres standby = EmbeddedPostgres.builder().setDataDirectory(standbyData).setCleanDataDirectory(false)
            .setServerConfig("wal_level", "logical").setServerConfig("hot_standby", "on").start();
        Connection c = standby.getPostgresDatabase().getConnection()) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        assertTrue(rs.getBoolean(1), "the copy runs as a standby");
      }
      Optional<ReplicationSlots.SlotInfo> slot = ReplicationSlots.find(c, "lag_probe");
      assertTrue(slot.isPresent(), "the standby holds the primary's slot");
      assertTrue(slot.get().lagBytes() > 0, "the slot lags the WAL replayed past it: " + slot.get());
      assertEquals(List.of("lag_probe"),
          ReplicationSlots.matching(c, "^lag_").stream().map(ReplicationSlots.SlotInfo::name).toList());
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

}
