package io.etl.core.pipeline;

import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.source.PostgresConnector;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the apply slot's lag (WAL bytes between the server's position and the slot's confirmed
 * flush LSN) the way the operator does, through {@link ReplicationSlots#find}.
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
      ReplicationSlots.find(connection, slotName).ifPresent(slot -> {
        progress.lagBytes(slot.lagBytes());
        metrics.lagBytes(slot.lagBytes());
      });
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
