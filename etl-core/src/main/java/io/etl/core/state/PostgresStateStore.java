package io.etl.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etl.core.error.EtlException;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The state store in schema {@code etl} of the source database. One connection, opened lazily
 * and reopened once when a call finds it broken (the source restarted, a failover, an idle
 * timeout).
 */
public final class PostgresStateStore implements StateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Supplier<Connection> connections;
  private final String pipelineId;
  private Connection connection;

  public PostgresStateStore(Supplier<Connection> connections, String pipelineId) {
    this.connections = connections;
    this.pipelineId = pipelineId;
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  private synchronized <T> T withConnection(String what, SqlWork<T> work) {
    for (int attempt = 0; ; attempt++) {
      try {
        if (connection == null || connection.isClosed()) {
          connection = connections.get();
        }
        return work.run(connection);
      } catch (SQLException e) {
        closeConnection();
        boolean connectionLost = e.getSQLState() != null
            && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"));
        if (connectionLost && attempt == 0) {
          continue;
        }
        throw connectionLost
            ? EtlException.retryable("state_store_unavailable",
                "the state store (schema etl in the source database) could not " + what + ": " + oneLine(e), "", e)
            : EtlException.fatal("state_store_error",
                "the state store (schema etl in the source database) could not " + what + ": " + oneLine(e),
                "make sure the replicator's role may create schema etl and write its tables in the source database.", e);
      }
    }
  }

  private static String oneLine(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s+", " ").trim();
  }

  @Override
  public void migrate() {
    withConnection("create or migrate its tables", c -> {
      StateStoreMigrations.apply(c);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO etl.pipelines (pipeline_id) VALUES (?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, pipelineId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Map<Integer, TableState> loadTableStates() {
    return withConnection("read table states", c -> {
      Map<Integer, TableState> states = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT table_oid::bigint, phase, lsn::text, reason, solution FROM etl.table_states WHERE pipeline_id = ?")) {
        ps.setString(1, pipelineId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String lsn = rs.getString(3);
            states.put((int) rs.getLong(1), new TableState(TablePhase.fromLabel(rs.getString(2)),
                lsn == null ? null : Lsn.parse(lsn), rs.getString(4), rs.getString(5)));
          }
        }
      }
      return states;
    });
  }

  @Override
  public void updateTableState(int tableOid, TableState state) {
    PersistedPhases.require(state);
    inTransaction("update a table state", c -> writeState(c, tableOid, state));
  }

  /** The table's current state, a row of its history, and the history cut to the newest 100; in the caller's transaction. */
  private void writeState(Connection c, int tableOid, TableState state) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO etl.table_states (pipeline_id, table_oid, phase, lsn, reason, solution, updated_at)"
            + " VALUES (?, ?::bigint::oid, ?, ?::pg_lsn, ?, ?, now())"
            + " ON CONFLICT (pipeline_id, table_oid) DO UPDATE SET phase = EXCLUDED.phase, lsn = EXCLUDED.lsn,"
            + " reason = EXCLUDED.reason, solution = EXCLUDED.solution, updated_at = now()")) {
      bindState(ps, tableOid, state);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO etl.table_state_history (pipeline_id, table_oid, phase, lsn, reason, solution)"
            + " VALUES (?, ?::bigint::oid, ?, ?::pg_lsn, ?, ?)")) {
      bindState(ps, tableOid, state);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM etl.table_state_history WHERE pipeline_id = ? AND table_oid = ?::bigint::oid AND id <= ("
            + "SELECT id FROM etl.table_state_history WHERE pipeline_id = ? AND table_oid = ?::bigint::oid"
            + " ORDER BY id DESC OFFSET 100 LIMIT 1)")) {
      ps.setString(1, pipelineId);
      ps.setLong(2, Integer.toUnsignedLong(tableOid));
      ps.setString(3, pipelineId);
      ps.setLong(4, Integer.toUnsignedLong(tableOid));
      ps.executeUpdate();
    }
    if (state.phase() == TablePhase.READY || state.phase() == TablePhase.ERRORED) {
      finishResyncs(c, tableOid, state);
    }
  }

  /** A started re-sync of the table ends with this write: done at READY, errored (with the reason) at ERRORED. */
  private void finishResyncs(Connection c, int tableOid, TableState state) throws SQLException {
    boolean ready = state.phase() == TablePhase.READY;
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE etl.resync_requests SET result = ?, detail = ?, finished_at = now()"
            + " WHERE pipeline_id = ? AND table_oid = ?::bigint::oid AND result = ?")) {
      ps.setString(1, ready ? ResyncRecord.DONE : ResyncRecord.ERRORED);
      ps.setString(2, ready ? null : state.reason());
      ps.setString(3, pipelineId);
      ps.setLong(4, Integer.toUnsignedLong(tableOid));
      ps.setString(5, ResyncRecord.STARTED);
      ps.executeUpdate();
    }
  }

  @Override
  public Set<String> recordedResyncs() {
    return withConnection("read re-sync requests", c -> {
      Set<String> ids = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT request_id FROM etl.resync_requests WHERE pipeline_id = ?")) {
        ps.setString(1, pipelineId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      return ids;
    });
  }

  @Override
  public void resetForResync(int tableOid, String table, String requestId) {
    inTransaction("reset a table for a re-sync", c -> {
      writeState(c, tableOid, TableState.init());
      insertResync(c, requestId, table, tableOid, ResyncRecord.STARTED, null);
    });
  }

  @Override
  public void refuseResync(String requestId, String table, String result, String detail) {
    inTransaction("record a re-sync request", c -> insertResync(c, requestId, table, null, result, detail));
  }

  private void insertResync(Connection c, String requestId, String table, Integer tableOid, String result, String detail)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO etl.resync_requests (pipeline_id, request_id, table_name, table_oid, result, detail, finished_at)"
            + " VALUES (?, ?, ?, ?::bigint::oid, ?, ?, CASE WHEN ? THEN NULL ELSE now() END)")) {
      ps.setString(1, pipelineId);
      ps.setString(2, requestId);
      ps.setString(3, table);
      if (tableOid == null) {
        ps.setNull(4, Types.BIGINT);
      } else {
        ps.setLong(4, Integer.toUnsignedLong(tableOid));
      }
      ps.setString(5, result);
      ps.setString(6, detail);
      ps.setBoolean(7, ResyncRecord.STARTED.equals(result));
      ps.executeUpdate();
    }
  }

  @Override
  public List<ResyncRecord> loadResyncs() {
    return withConnection("read re-sync requests", c -> PipelineStateReader.resyncs(c, pipelineId, Integer.MAX_VALUE));
  }

  @Override
  public Optional<String> applySlotIncarnation() {
    return withConnection("read the apply slot's incarnation", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT apply_slot_incarnation FROM etl.pipelines WHERE pipeline_id = ?")) {
        ps.setString(1, pipelineId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void resetForNewApplySlot(String incarnation, Collection<Integer> tableOids) {
    TableState init = TableState.init();
    inTransaction("reset the tables for a new apply slot", c -> {
      for (int oid : tableOids) {
        writeState(c, oid, init);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO etl.pipelines (pipeline_id, apply_slot_incarnation, apply_slot_created_at) VALUES (?, ?, now())"
              + " ON CONFLICT (pipeline_id) DO UPDATE SET apply_slot_incarnation = EXCLUDED.apply_slot_incarnation,"
              + " apply_slot_created_at = now()")) {
        ps.setString(1, pipelineId);
        ps.setString(2, incarnation);
        ps.executeUpdate();
      }
    });
  }

  @FunctionalInterface
  private interface SqlSteps {
    void run(Connection c) throws SQLException;
  }

  /** Runs {@code steps} in one transaction of the store's connection: all of them or none. */
  private void inTransaction(String what, SqlSteps steps) {
    withConnection(what, c -> {
      c.setAutoCommit(false);
      try {
        steps.run(c);
        c.commit();
      } catch (SQLException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        resetAutoCommit(c);
      }
      return null;
    });
  }

  private void bindState(PreparedStatement ps, int tableOid, TableState state) throws SQLException {
    ps.setString(1, pipelineId);
    ps.setLong(2, Integer.toUnsignedLong(tableOid));
    ps.setString(3, state.phase().label());
    ps.setString(4, state.lsn() == null ? null : state.lsn().toString());
    ps.setString(5, state.reason());
    ps.setString(6, state.solution());
  }

  @Override
  public void removeTable(int tableOid) {
    withConnection("forget a table", c -> {
      for (String table : new String[] {"table_states", "table_state_history", "table_schemas"}) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM etl." + table + " WHERE pipeline_id = ? AND table_oid = ?::bigint::oid")) {
          ps.setString(1, pipelineId);
          ps.setLong(2, Integer.toUnsignedLong(tableOid));
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  /** Removes every row of this pipeline (the operator's clean-up on deletion). */
  public void deletePipeline() {
    withConnection("delete the pipeline's state", c -> {
      // resync_requests only where a replicator of this version migrated the store
      String[] tables = exists(c, "etl.resync_requests")
          ? new String[] {"table_states", "table_state_history", "table_schemas", "resync_requests", "pipelines"}
          : new String[] {"table_states", "table_state_history", "table_schemas", "pipelines"};
      for (String table : tables) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM etl." + table + " WHERE pipeline_id = ?")) {
          ps.setString(1, pipelineId);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Override
  public Optional<TableSchema> loadTableSchema(int tableOid) {
    return withConnection("read a table schema", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT schema::text FROM etl.table_schemas WHERE pipeline_id = ? AND table_oid = ?::bigint::oid")) {
        ps.setString(1, pipelineId);
        ps.setLong(2, Integer.toUnsignedLong(tableOid));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(fromJson(rs.getString(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void storeTableSchema(TableSchema schema) {
    String json = toJson(schema);
    withConnection("store a table schema", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO etl.table_schemas (pipeline_id, table_oid, schema) VALUES (?, ?::bigint::oid, ?::jsonb)"
              + " ON CONFLICT (pipeline_id, table_oid) DO UPDATE SET schema = EXCLUDED.schema, updated_at = now()")) {
        ps.setString(1, pipelineId);
        ps.setLong(2, Integer.toUnsignedLong(schema.oid()));
        ps.setString(3, json);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Map<Integer, Long> loadRowsCopied() {
    return withConnection("read copy progress", c -> {
      Map<Integer, Long> rows = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT table_oid::bigint, rows_copied FROM etl.table_states WHERE pipeline_id = ?")) {
        ps.setString(1, pipelineId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.put((int) rs.getLong(1), rs.getLong(2));
          }
        }
      }
      return rows;
    });
  }

  @Override
  public void storeRowsCopied(int tableOid, long rows) {
    withConnection("store copy progress", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE etl.table_states SET rows_copied = ? WHERE pipeline_id = ? AND table_oid = ?::bigint::oid")) {
        ps.setLong(1, rows);
        ps.setString(2, pipelineId);
        ps.setLong(3, Integer.toUnsignedLong(tableOid));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Map<Integer, Long> loadUnmatchedChanges() {
    return withConnection("read unmatched changes", c -> {
      Map<Integer, Long> changes = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT table_oid::bigint, unmatched_changes FROM etl.table_states WHERE pipeline_id = ? AND unmatched_changes > 0")) {
        ps.setString(1, pipelineId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            changes.put((int) rs.getLong(1), rs.getLong(2));
          }
        }
      }
      return changes;
    });
  }

  @Override
  public void storeUnmatchedChanges(int tableOid, long changes) {
    withConnection("store unmatched changes", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE etl.table_states SET unmatched_changes = ? WHERE pipeline_id = ? AND table_oid = ?::bigint::oid")) {
        ps.setLong(1, changes);
        ps.setString(2, pipelineId);
        ps.setLong(3, Integer.toUnsignedLong(tableOid));
        ps.executeUpdate();
      }
      return null;
    });
  }

  private static String toJson(TableSchema schema) {
    try {
      return JSON.writeValueAsString(schema);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TableSchema fromJson(String json) {
    try {
      return JSON.readValue(json, TableSchema.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored table schema cannot be read: " + e.getOriginalMessage(), e);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; it is reopened on the next call
    }
  }

  private static void resetAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // as above
    }
  }

  private synchronized void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    closeConnection();
  }
}
