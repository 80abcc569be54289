package io.etl.destinations.postgres;

import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The last source position applied per replication stream, kept in the destination and written
 * in the same transaction as the changes: a replay after a crash skips exactly what is there.
 */
final class AppliedPositions {
  private AppliedPositions() {}

  static void createTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS etl");
      s.execute("CREATE TABLE IF NOT EXISTS etl.applied_positions (stream_id text PRIMARY KEY,"
          + " commit_lsn pg_lsn NOT NULL, ordinal bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
    }
  }

  /** Reads the stream's position, locking its row for the rest of the transaction. */
  static Optional<TxPosition> readForUpdate(Connection c, String streamId) throws SQLException {
    return read(c, streamId, " FOR UPDATE");
  }

  static Optional<TxPosition> read(Connection c, String streamId) throws SQLException {
    return read(c, streamId, "");
  }

  private static Optional<TxPosition> read(Connection c, String streamId, String lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT commit_lsn::text, ordinal FROM etl.applied_positions WHERE stream_id = ?" + lock)) {
      ps.setString(1, streamId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new TxPosition(Lsn.parse(rs.getString(1)), rs.getLong(2))) : Optional.empty();
      }
    }
  }

  static void write(Connection c, String streamId, TxPosition position) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO etl.applied_positions (stream_id, commit_lsn, ordinal, updated_at) VALUES (?, ?::pg_lsn, ?, now())"
            + " ON CONFLICT (stream_id) DO UPDATE SET commit_lsn = EXCLUDED.commit_lsn, ordinal = EXCLUDED.ordinal,"
            + " updated_at = now()")) {
      ps.setString(1, streamId);
      ps.setString(2, position.commitLsn().toString());
      ps.setLong(3, position.ordinal());
      ps.executeUpdate();
    }
  }
}
