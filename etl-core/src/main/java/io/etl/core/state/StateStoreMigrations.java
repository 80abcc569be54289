package io.etl.core.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Versioned migrations of schema {@code etl}, applied in order in one transaction under an
 * advisory lock, so replicators starting at the same time do not race.
 */
final class StateStoreMigrations {
  /** Migration files in {@code io/etl/core/state/migrations}, oldest first; append only. */
  static final List<String> FILES = List.of("V1__init.sql", "V2__apply_slot_incarnation.sql", "V3__unmatched_changes.sql",
      "V4__resync_requests.sql");
  private static final long LOCK_KEY = 0x65746C5F6D6967L; // "etl_mig"

  private StateStoreMigrations() {}

  static void apply(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      s.execute("CREATE SCHEMA IF NOT EXISTS etl");
      s.execute("CREATE TABLE IF NOT EXISTS etl.schema_migrations (version integer PRIMARY KEY,"
          + " applied_at timestamptz NOT NULL DEFAULT now())");
      Set<Integer> applied = new HashSet<>();
      try (ResultSet rs = s.executeQuery("SELECT version FROM etl.schema_migrations")) {
        while (rs.next()) {
          applied.add(rs.getInt(1));
        }
      }
      for (String file : FILES) {
        int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
        if (applied.contains(version)) {
          continue;
        }
        s.execute(read(file));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl.schema_migrations (version) VALUES (?)")) {
          ps.setInt(1, version);
          ps.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static String read(String file) {
    try (InputStream in = StateStoreMigrations.class.getResourceAsStream("migrations/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
