package io.etl.core.replication;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pgoutput.PgOutputDecoder;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Streams one logical slot with pgoutput and decodes it. Not thread-safe: one thread reads and
 * confirms. pgjdbc answers the server's keepalives during {@link #poll()} and sends the
 * confirmed position every status interval.
 */
public final class SlotReader implements AutoCloseable {
  private final PGConnection connection;
  private final PGReplicationStream stream;
  private final PgOutputDecoder decoder = new PgOutputDecoder();
  private final EtlMetrics metrics;
  private boolean inTransaction;
  private Lsn confirmed;

  public SlotReader(PGConnection connection, String slotName, Lsn start, String publication, EtlMetrics metrics)
      throws SQLException {
    this.connection = connection;
    this.metrics = metrics;
    this.confirmed = start;
    this.stream =
        connection
            .getReplicationAPI()
            .replicationStream()
            .logical()
            .withSlotName(slotName)
            .withStartPosition(LogSequenceNumber.valueOf(start.value()))
            .withSlotOption("proto_version", "1")
            .withSlotOption("publication_names", '"' + publication.replace("\"", "\"\"") + '"')
            .withSlotOption("messages", "true")
            .withStatusInterval(5, TimeUnit.SECONDS)
            .start();
  }

  /** The next decoded event, or null when nothing is pending right now. */
  public Event poll() throws SQLException {
    while (true) {
      ByteBuffer message = stream.readPending();
      if (message == null) {
        return null;
      }
      metrics.bytesReceived(message.remaining());
      Event event = decoder.decode(message);
      if (event == null) {
        continue;
      }
      metrics.eventsReceived(1);
      if (event instanceof BeginEvent) {
        inTransaction = true;
      } else if (event instanceof CommitEvent) {
        inTransaction = false;
      }
      return event;
    }
  }

  /** True between a Begin and its Commit. */
  public boolean inTransaction() {
    return inTransaction;
  }

  /** The highest WAL position the server has told us about (data or keepalive). */
  public Lsn lastReceived() {
    return new Lsn(stream.getLastReceiveLSN().asLong());
  }

  /** Tells the server everything up to {@code lsn} is durable at the destination. */
  public void confirm(Lsn lsn) {
    if (lsn.isAfter(confirmed)) {
      confirmed = lsn;
      LogSequenceNumber value = LogSequenceNumber.valueOf(lsn.value());
      stream.setFlushedLSN(value);
      stream.setAppliedLSN(value);
    }
  }

  public Lsn confirmed() {
    return confirmed;
  }

  /** Sends the confirmed position now instead of at the next status interval. */
  public void sendStatus() throws SQLException {
    stream.forceUpdateStatus();
  }

  @Override
  public void close() {
    try {
      if (!stream.isClosed()) {
        stream.forceUpdateStatus();
        stream.close();
      }
    } catch (SQLException ignored) {
      // the connection is going away anyway
    }
    try {
      ((java.sql.Connection) connection).close();
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }
}
