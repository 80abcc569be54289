package io.etl.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.postgresql.PGConnection;

/** Creates, inspects and drops the pipeline's logical replication slots. */
public final class ReplicationSlots {
  private ReplicationSlots() {}

  /**
   * Position and activity of an existing slot.
   *
   * @param database the database the slot decodes; slot names are unique per server, not per database
   */
  public record SlotInfo(String name, Lsn confirmedFlush, boolean active, Integer activePid, String database) {}

  public static Optional<SlotInfo> find(Connection connection, String slotName) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT confirmed_flush_lsn::text, active, active_pid, database FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slotName);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String lsn = rs.getString(1);
        int pid = rs.getInt(3);
        Integer activePid = rs.wasNull() ? null : pid;
        return Optional.of(
            new SlotInfo(slotName, lsn == null ? Lsn.ZERO : Lsn.parse(lsn), rs.getBoolean(2), activePid, rs.getString(4)));
      }
    }
  }

  /** Creates a pgoutput slot without a snapshot (the apply slot); returns its start position. */
  public static Lsn create(Connection connection, String slotName) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slotName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Lsn.parse(rs.getString(1));
      }
    }
  }

  /**
   * Creates a pgoutput slot on a replication connection and exports its snapshot. The caller
   * must keep {@code replicationConnection} open and run nothing else on it while the snapshot
   * is in use.
   */
  public static SlotSnapshot createExportingSnapshot(PGConnection replicationConnection, String slotName)
      throws SQLException {
    String sql = "CREATE_REPLICATION_SLOT " + quote(slotName) + " LOGICAL pgoutput EXPORT_SNAPSHOT";
    try (Statement s = ((Connection) replicationConnection).createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new SlotSnapshot(rs.getString("slot_name"), Lsn.parse(rs.getString("consistent_point")), rs.getString("snapshot_name"));
    }
  }

  /** Drops the slot if it exists; terminates a walsender still holding it first. */
  public static boolean dropIfExists(Connection connection, String slotName) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
      ps.setString(1, slotName);
      ps.execute();
    }
    SQLException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try (PreparedStatement ps =
          connection.prepareStatement(
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
        ps.setString(1, slotName);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      } catch (SQLException e) {
        // 55006: the terminated walsender has not released the slot yet
        if (!"55006".equals(e.getSQLState())) {
          throw e;
        }
        last = e;
        sleep(100);
      }
    }
    throw last;
  }

  /** Writes a non-transactional logical message and returns its LSN. */
  public static Lsn emitMessage(Connection connection, String prefix) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_logical_emit_message(false, ?, '')::text")) {
      ps.setString(1, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Lsn.parse(rs.getString(1));
      }
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
