package io.etl.core.state;

import io.etl.core.replication.ReplicationSlots;
import io.etl.core.replication.SlotNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what a deleted pipeline leaves in the source: its replication slots (which would
 * otherwise hold WAL forever) and its rows in schema {@code etl}.
 */
public final class PipelineCleanup {
  private PipelineCleanup() {}

  /**
   * What a clean-up did.
   *
   * @param droppedSlots slots dropped now
   * @param busySlots slots a process still streams from; nothing was dropped or deleted, so the
   *     caller stops that process first and tries again
   */
  public record Result(List<String> droppedSlots, List<String> busySlots) {
    public boolean done() {
      return busySlots.isEmpty();
    }
  }

  public static Result run(Connection c, String pipelineId) throws SQLException {
    List<String> slots = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    // by anchored pattern, never by prefix: see SlotNames
    for (ReplicationSlots.SlotInfo slot : ReplicationSlots.matching(c, SlotNames.ownedPattern(pipelineId))) {
      (slot.active() ? busy : slots).add(slot.name());
    }
    if (!busy.isEmpty()) {
      return new Result(List.of(), busy);
    }
    for (String slot : slots) {
      ReplicationSlots.dropIfExists(c, slot);
    }
    boolean stateStoreExists;
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('etl.pipelines') IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      stateStoreExists = rs.getBoolean(1);
    }
    if (stateStoreExists) {
      new PostgresStateStore(() -> c, pipelineId).deletePipeline();
    }
    return new Result(slots, List.of());
  }
}
