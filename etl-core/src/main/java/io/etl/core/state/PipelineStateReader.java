package io.etl.core.state;

import io.etl.core.replication.ReplicationSlots;
import io.etl.core.replication.SlotNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a pipeline's slot and table states from the source without changing anything, so the
 * operator can report them; the state store's schema stays defined in this module only.
 */
public final class PipelineStateReader {
  private PipelineStateReader() {}

  public static PipelineObservation read(Connection c, String pipelineId, String publication) throws SQLException {
    return new PipelineObservation(applySlot(c, pipelineId), publicationExists(c, publication),
        tables(c, pipelineId, publication), resyncs(c, pipelineId, PipelineObservation.MAX_RESYNCS));
  }

  /**
   * The newest {@code limit} re-sync requests the replicator recorded, newest first; empty when
   * no replicator of a version that records them has migrated the store yet.
   */
  public static List<ResyncRecord> resyncs(Connection c, String pipelineId, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('etl.resync_requests') IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return List.of();
      }
    }
    List<ResyncRecord> records = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT request_id, table_name, result, detail, requested_at, finished_at FROM etl.resync_requests"
            + " WHERE pipeline_id = ? ORDER BY requested_at DESC, request_id LIMIT ?")) {
      ps.setString(1, pipelineId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp finished = rs.getTimestamp(6);
          records.add(new ResyncRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getTimestamp(5).toInstant(), finished == null ? null : finished.toInstant()));
        }
      }
    }
    return records;
  }

  static Optional<PipelineObservation.Slot> applySlot(Connection c, String pipelineId) throws SQLException {
    return ReplicationSlots.find(c, SlotNames.apply(pipelineId)).map(slot -> new PipelineObservation.Slot(slot.name(),
        slot.active(), slot.lagBytes(), slot.walStatus(), slot.safeWalSize(), slot.confirmedFlush().toString()));
  }

  private static boolean publicationExists(Connection c, String publication) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static List<PipelineObservation.Table> tables(Connection c, String pipelineId, String publication)
      throws SQLException {
    boolean stateStoreExists;
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('etl.table_states') IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      stateStoreExists = rs.getBoolean(1);
    }
    String sql = stateStoreExists
        // unmatched_changes read through jsonb: a state store an older replicator migrated lacks the column
        ? "SELECT pt.schemaname || '.' || pt.tablename, coalesce(ts.phase, 'init'), coalesce(ts.rows_copied, 0),"
            + " ts.reason, ts.solution, coalesce((to_jsonb(ts) ->> 'unmatched_changes')::bigint, 0)"
            + " FROM pg_publication_tables pt"
            + " LEFT JOIN etl.table_states ts ON ts.pipeline_id = ?"
            + " AND ts.table_oid = format('%I.%I', pt.schemaname, pt.tablename)::regclass::oid"
            + " WHERE pt.pubname = ? ORDER BY 1"
        : "SELECT pt.schemaname || '.' || pt.tablename, 'init', 0::bigint, NULL::text, NULL::text, 0::bigint"
            + " FROM pg_publication_tables pt WHERE ? IS NOT NULL AND pt.pubname = ? ORDER BY 1";
    List<PipelineObservation.Table> tables = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, pipelineId);
      ps.setString(2, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(new PipelineObservation.Table(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
              rs.getString(5), rs.getLong(6)));
        }
      }
    }
    return tables;
  }
}
