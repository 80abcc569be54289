package io.etl.core.apply;

import io.etl.core.config.HeartbeatConfig;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.source.PostgresConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a non-transactional logical message ({@code pg_logical_emit_message}) to the source on a
 * timer while the apply worker has nothing in flight.
 *
 * <p>The message travels through the apply slot like a change, and the idle apply worker confirms
 * the position it arrived at. So when the published tables are quiet but the server writes WAL
 * elsewhere (other tables, other databases), the slot's confirmed position and the WAL the server
 * keeps for it still move, without relying on the server to send keepalives. A failed write is
 * counted and logged, never fatal: the stream itself reports a source that is really gone.
 */
public final class Heartbeat implements AutoCloseable {
  public static final String MESSAGE_PREFIX = "etl_heartbeat";
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final PostgresConnector source;
  private final BooleanSupplier applyIdle;
  private final EtlMetrics metrics;
  private final ScheduledExecutorService timer;
  // touched by the timer thread only, and by close() once the timer has stopped
  private Connection connection;
  private boolean failing;

  private Heartbeat(HeartbeatConfig config, PostgresConnector source, BooleanSupplier applyIdle, EtlMetrics metrics) {
    this.source = source;
    this.applyIdle = applyIdle;
    this.metrics = metrics;
    if (config.enabled()) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "heartbeat");
        thread.setDaemon(true);
        return thread;
      });
      timer.scheduleWithFixedDelay(this::beat, config.intervalMs(), config.intervalMs(), TimeUnit.MILLISECONDS);
    } else {
      timer = null;
    }
  }

  /** Starts beating every {@code config.intervalMs()}; does nothing when the heartbeat is off. */
  public static Heartbeat start(
      HeartbeatConfig config, PostgresConnector source, BooleanSupplier applyIdle, EtlMetrics metrics) {
    return new Heartbeat(config, source, applyIdle, metrics);
  }

  private void beat() {
    // a busy stream moves the slot by itself
    if (!applyIdle.getAsBoolean()) {
      return;
    }
    try {
      if (connection == null) {
        connection = source.open();
      }
      ReplicationSlots.emitMessage(connection, MESSAGE_PREFIX);
      metrics.heartbeat();
      if (failing) {
        log.info("heartbeat written to the source again");
        failing = false;
      }
    } catch (SQLException | RuntimeException e) {
      // an exception leaving a scheduled task would cancel every later beat
      closeConnection();
      metrics.error("retryable", "heartbeat_failed");
      String reason = e instanceof SQLException s ? source.errors().classify(s).getMessage() : e.getMessage();
      if (!failing) {
        log.warn("heartbeat could not be written to the source (retried every interval): {}", reason);
        failing = true;
      } else {
        log.debug("heartbeat still failing: {}", reason);
      }
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // it was broken anyway
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }
}
