package io.etl.core.pipeline;

import io.etl.core.metrics.EtlMetrics;
import io.etl.core.source.PostgresConnector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the apply slot's lag (WAL bytes between the server's current position and the slot's
 * confirmed flush LSN) the way an operator would, from {@code pg_replication_slots}.
 */
final class SlotLagMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlotLagMonitor.class);
  private final PostgresConnector source;
  private final String slotName;
  private final Progress progress;
  private final EtlMetrics metrics;
  private Connection connection;

  SlotLagMonitor(PostgresConnector source, String slotName, Progress progress, EtlMetrics metrics) {
    this.source = source;
    this.slotName = slotName;
    this.progress = progress;
    this.metrics = metrics;
  }

  void refresh() {
    try {
      if (connection == null || connection.isClosed()) {
        connection = source.open();
      }
      try (PreparedStatement ps =
          connection.prepareStatement(
              "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                  + " FROM pg_replication_slots WHERE slot_name = ?")) {
        ps.setString(1, slotName);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            long lag = Math.max(0, rs.getLong(1));
            progress.lagBytes(lag);
            metrics.lagBytes(lag);
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("could not read the slot lag: {}", e.getMessage());
      close();
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing to release
      }
      connection = null;
    }
  }
}
