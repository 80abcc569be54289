package io.etl.core.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGConnection;

/**
 * The one place that reads, creates and drops logical replication slots on the source: one query
 * for what a slot looks like, one drop path, one lag computation that also works on a standby.
 */
public final class ReplicationSlots {
  /**
   * The server's WAL position to measure a slot's lag from. {@code pg_current_wal_lsn()} fails on
   * a standby (which holds logical slots from PostgreSQL 16 on); there the position is how far
   * replay got.
   */
  static final String SERVER_POSITION =
      "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";

  private static final String SELECT_SLOTS =
      "SELECT slot_name, confirmed_flush_lsn::text, active, active_pid, database,"
          + " pg_wal_lsn_diff(" + SERVER_POSITION + ", confirmed_flush_lsn)::bigint, wal_status, safe_wal_size"
          + " FROM pg_catalog.pg_replication_slots";

  private ReplicationSlots() {}

  /**
   * An existing slot as {@code pg_replication_slots} shows it.
   *
   * @param database the database the slot decodes; slot names are unique per server, not per database
   * @param lagBytes WAL between the server's position and the confirmed flush LSN (≥ 0; 0 when unknown)
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}
   * @param safeWalSize bytes the slot can fall further behind before it is lost; null without a limit
   */
  public record SlotInfo(String name, Lsn confirmedFlush, boolean active, Integer activePid, String database,
      long lagBytes, String walStatus, Long safeWalSize) {}

  public static Optional<SlotInfo> find(Connection connection, String slotName) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(SELECT_SLOTS + " WHERE slot_name = ?")) {
      ps.setString(1, slotName);
      List<SlotInfo> slots = read(ps);
      return slots.isEmpty() ? Optional.empty() : Optional.of(slots.get(0));
    }
  }

  /** The slots of the current database whose names match {@code pattern} (a regular expression; see SlotNames). */
  public static List<SlotInfo> matching(Connection connection, String pattern) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        SELECT_SLOTS + " WHERE slot_name ~ ? AND database = current_database() ORDER BY slot_name")) {
      ps.setString(1, pattern);
      return read(ps);
    }
  }

  private static List<SlotInfo> read(PreparedStatement ps) throws SQLException {
    List<SlotInfo> slots = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String lsn = rs.getString(2);
        int pid = rs.getInt(4);
        Integer activePid = rs.wasNull() ? null : pid;
        long lag = Math.max(0, rs.getLong(6));
        long safeWal = rs.getLong(8);
        Long safeWalSize = rs.wasNull() ? null : safeWal;
        slots.add(new SlotInfo(rs.getString(1), lsn == null ? Lsn.ZERO : Lsn.parse(lsn), rs.getBoolean(3), activePid,
            rs.getString(5), lag, rs.getString(7), safeWalSize));
      }
    }
    return slots;
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
