package io.etl.destinations.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The destination tables a pipeline created, by OID, in {@code etl.owned_tables}: written in the
 * transaction that creates the table, so a table of ours is never unmarked, and keyed by OID, so
 * a user's table created later under the same name is never taken for ours.
 */
final class OwnedTables {
  private OwnedTables() {}

  static void createTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS etl");
      s.execute("CREATE TABLE IF NOT EXISTS etl.owned_tables (table_oid oid PRIMARY KEY, pipeline_id text NOT NULL,"
          + " table_name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    }
  }

  /** The OID of the table named {@code quoted}, if it exists. */
  static Optional<Long> oid(Connection c, String quoted) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::oid::bigint")) {
      ps.setString(1, quoted);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long oid = rs.getLong(1);
        return rs.wasNull() ? Optional.empty() : Optional.of(oid);
      }
    }
  }

  /** The pipeline that created the table of this OID, or empty if none did. */
  static Optional<String> owner(Connection c, long tableOid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pipeline_id FROM etl.owned_tables WHERE table_oid = ?::oid")) {
      ps.setLong(1, tableOid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Marks the table of this OID as {@code pipelineId}'s; in the caller's transaction. */
  static void claim(Connection c, long tableOid, String quoted, String pipelineId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO etl.owned_tables (table_oid, pipeline_id, table_name) VALUES (?::oid, ?, ?)"
            + " ON CONFLICT (table_oid) DO UPDATE SET pipeline_id = EXCLUDED.pipeline_id, table_name = EXCLUDED.table_name")) {
      ps.setLong(1, tableOid);
      ps.setString(2, pipelineId);
      ps.setString(3, quoted);
      ps.executeUpdate();
    }
  }

  /** Forgets a table this pipeline dropped; in the caller's transaction. */
  static void release(Connection c, long tableOid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM etl.owned_tables WHERE table_oid = ?::oid")) {
      ps.setLong(1, tableOid);
      ps.executeUpdate();
    }
  }
}
