package io.etl.core.replication;

import io.etl.core.config.ReplicationConfig;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pgoutput.PgOutputDecoder;
import io.etl.core.pgoutput.StreamedTransactions;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one logical slot with pgoutput and decodes it. Not thread-safe: one thread reads and
 * confirms. pgjdbc answers the server's keepalives during {@link #poll()} and sends the
 * confirmed position every status interval.
 *
 * <p>With streaming (protocol version 2, PostgreSQL 14 and later) the server sends a large
 * transaction while it runs; the decoder spools it and, at its commit, {@link #poll()} hands out
 * its events from the spool before it reads the stream again.
 */
public final class SlotReader implements ReplicationStream {
  /** server_version_num from which pgoutput streams in-progress transactions. */
  static final int STREAMING_MIN_SERVER_VERSION = 140000;

  private static final Logger log = LoggerFactory.getLogger(SlotReader.class);
  /** How often a replay from the spool, which does not read the stream, sends a status update. */
  private static final long REPLAY_STATUS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final PGConnection connection;
  private final PGReplicationStream stream;
  private final PgOutputDecoder decoder;
  /** Null when the stream is protocol version 1. */
  private final StreamedTransactions streamed;
  private final EtlMetrics metrics;
  private boolean inTransaction;
  private Lsn confirmed;
  private long replayedEvents;
  private long lastStatusNanos = System.nanoTime();

  /** A reader for protocol version 1: every transaction arrives whole, after its commit. */
  public SlotReader(PGConnection connection, String slotName, Lsn start, String publication, EtlMetrics metrics)
      throws SQLException {
    this(connection, slotName, start, publication, metrics, null);
  }

  /**
   * A reader that asks for streaming of in-progress transactions when {@code replication} allows
   * it and the server supports it, spooling them under the slot's spool directory; protocol
   * version 1 otherwise (also when {@code replication} is null).
   */
  public SlotReader(PGConnection connection, String slotName, Lsn start, String publication, EtlMetrics metrics,
      ReplicationConfig replication) throws SQLException {
    this.connection = connection;
    this.metrics = metrics;
    this.confirmed = start;
    boolean streaming = replication != null && replication.streaming() && serverStreams(connection);
    StreamedTransactions spool = null;
    try {
      spool = streaming
          ? new StreamedTransactions(replication.spoolDirectoryFor(slotName), replication.maxSpoolBytes(), metrics)
          : null;
      ChainedLogicalStreamBuilder builder =
          connection
              .getReplicationAPI()
              .replicationStream()
              .logical()
              .withSlotName(slotName)
              .withStartPosition(LogSequenceNumber.valueOf(start.value()))
              .withSlotOption("proto_version", streaming ? "2" : "1")
              .withSlotOption("publication_names", '"' + publication.replace("\"", "\"\"") + '"')
              .withSlotOption("messages", "true")
              .withStatusInterval(5, TimeUnit.SECONDS);
      if (streaming) {
        builder.withSlotOption("streaming", "on");
      }
      this.stream = builder.start();
    } catch (SQLException | RuntimeException e) {
      if (spool != null) {
        spool.close();
      }
      closeQuietly(connection);
      throw e;
    }
    this.streamed = spool;
    this.decoder = new PgOutputDecoder(spool);
    if (replication != null) {
      log.info("slot {}: {}", slotName, streaming
          ? "streaming in-progress transactions (pgoutput protocol 2), spooled in " + streamed.directory()
          : "whole transactions after their commit (pgoutput protocol 1"
              + (replication.streaming() ? ", the server is older than PostgreSQL 14)" : ", replication.streaming is off)"));
    }
  }

  private static boolean serverStreams(PGConnection connection) {
    return connection instanceof BaseConnection base && base.haveMinimumServerVersion(STREAMING_MIN_SERVER_VERSION);
  }

  /** Whether the server streams transactions before they commit (protocol version 2). */
  public boolean streamsInProgressTransactions() {
    return streamed != null;
  }

  /** The next decoded event, or null when nothing is pending right now. */
  @Override
  public Event poll() throws SQLException {
    while (true) {
      Event event = replayed();
      if (event == null) {
        ByteBuffer message = stream.readPending();
        if (message == null) {
          return null;
        }
        metrics.bytesReceived(message.remaining());
        event = decoder.decode(message);
        if (event == null) {
          continue;
        }
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

  /**
   * The next event of a streamed transaction that committed, read from its spool. The stream is
   * not read meanwhile, so pgjdbc sends no status; this does, or the server would time the
   * connection out during a long replay.
   */
  private Event replayed() throws SQLException {
    Event event = decoder.nextReplayed();
    if (event != null && (++replayedEvents & 127) == 0) {
      long now = System.nanoTime();
      if (now - lastStatusNanos >= REPLAY_STATUS_INTERVAL_NANOS) {
        stream.forceUpdateStatus();
        lastStatusNanos = now;
      }
    }
    return event;
  }

  /**
   * True between a Begin and its Commit, and while a streamed transaction is spooled and not yet
   * committed: the server's positions then run ahead of changes still to come, so they are not
   * safe to confirm.
   */
  @Override
  public boolean inTransaction() {
    return inTransaction || (streamed != null && streamed.anyUncommitted());
  }

  /** The highest WAL position the server has told us about (data or keepalive). */
  @Override
  public Lsn lastReceived() {
    return new Lsn(stream.getLastReceiveLSN().asLong());
  }

  /** Tells the server everything up to {@code lsn} is durable at the destination. */
  @Override
  public void confirm(Lsn lsn) {
    if (lsn.isAfter(confirmed)) {
      confirmed = lsn;
      LogSequenceNumber value = LogSequenceNumber.valueOf(lsn.value());
      stream.setFlushedLSN(value);
      stream.setAppliedLSN(value);
    }
  }

  @Override
  public Lsn confirmed() {
    return confirmed;
  }

  /** Sends the confirmed position now instead of at the next status interval. */
  @Override
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
    closeQuietly(connection);
    if (streamed != null) {
      streamed.close();
    }
  }

  private static void closeQuietly(PGConnection connection) {
    try {
      ((java.sql.Connection) connection).close();
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }
}
