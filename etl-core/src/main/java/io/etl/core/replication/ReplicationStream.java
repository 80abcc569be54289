package io.etl.core.replication;

import io.etl.core.event.Event;
import java.sql.SQLException;

/**
 * A decoded logical replication stream of one slot, as the apply and table sync workers use it:
 * read events, confirm what is durable, close. {@link SlotReader} reads it from the server; tests
 * script one, so the hand-over between the workers can be tested without a server (the seam
 * Debezium calls {@code ReplicationConnection}). One thread reads and confirms.
 */
public interface ReplicationStream extends AutoCloseable {

  /** Opens the stream of a slot from a position (a table's catch-up opens its own slot's). */
  @FunctionalInterface
  interface Opener {
    ReplicationStream open(String slotName, Lsn start) throws SQLException;
  }

  /** The next decoded event, or null when nothing is pending right now. */
  Event poll() throws SQLException;

  /**
   * True between a Begin and its Commit (and while a streamed transaction is not yet committed):
   * the server's positions then run ahead of changes still to come, so they are not safe to confirm.
   */
  boolean inTransaction();

  /** The highest WAL position the server has told us about (data or keepalive). */
  Lsn lastReceived();

  /** Tells the server everything up to {@code lsn} is durable at the destination. */
  void confirm(Lsn lsn);

  /** The highest position confirmed so far. */
  Lsn confirmed();

  /** Sends the confirmed position now instead of at the next status interval. */
  void sendStatus() throws SQLException;

  @Override
  void close();
}
