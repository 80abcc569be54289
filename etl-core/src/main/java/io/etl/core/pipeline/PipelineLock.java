package io.etl.core.pipeline;

import io.etl.core.error.EtlException;
import io.etl.core.source.PostgresConnector;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One replicator per pipeline and source database: a session advisory lock held on a connection
 * of its own for as long as the pipeline runs. Two replicators of one pipeline would share a slot
 * and a state store and skip each other's changes; the second gets a message naming the first
 * instead, and retries (after a crash the first one's session may linger until the server notices).
 */
public final class PipelineLock implements AutoCloseable {
  private final Connection connection;

  private PipelineLock(Connection connection) {
    this.connection = connection;
  }

  public static PipelineLock acquire(PostgresConnector source, String pipelineId) {
    long key = key(pipelineId);
    Connection c = source.open();
    try {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        ps.setLong(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return new PipelineLock(c);
          }
        }
      }
      String holder = holder(c, key);
      closeQuietly(c);
      throw EtlException.retryable("pipeline_already_running",
          "pipeline " + pipelineId + " is already running against source database " + source.config().database()
              + ": another replicator holds its lock (" + holder + ")",
          "stop the other replicator of this pipeline, or give one of them another pipeline id; two replicators of one"
              + " pipeline would skip each other's changes. This one retries until the lock is free", null);
    } catch (SQLException e) {
      closeQuietly(c);
      throw source.errors().classify(e);
    }
  }

  /** A 64-bit key from the pipeline id; stable across versions and servers. */
  static long key(String pipelineId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("etl pipeline " + pipelineId).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Who holds the lock, as far as this role may see (pid, application, client address, since when). */
  private static String holder(Connection c, long key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT l.pid, a.application_name, host(a.client_addr), a.backend_start FROM pg_locks l"
            + " LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND l.classid = ?::bigint::oid AND l.objid = ?::bigint::oid AND l.objsubid = 1")) {
      ps.setLong(1, key >>> 32);
      ps.setLong(2, key & 0xFFFFFFFFL);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return "it was released a moment ago";
        }
        String application = rs.getString(2);
        String client = rs.getString(3);
        return "server process " + rs.getInt(1)
            + (application == null || application.isEmpty() ? "" : ", application " + application)
            + (client == null ? "" : ", client " + client)
            + (rs.getTimestamp(4) == null ? "" : ", connected since " + rs.getTimestamp(4).toInstant());
      }
    }
  }

  /** Whether the lock's session is still there; if it is gone, so is the lock. */
  public boolean held() {
    try (PreparedStatement ps = connection.prepareStatement("SELECT 1")) {
      ps.setQueryTimeout(10);
      ps.execute();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing ends the session, and with it the lock
    }
  }
}
