package io.etl.core.testing;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import io.etl.core.replication.ReplicationStream;
import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A replication stream a test writes: transactions are handed out in the order they were added,
 * {@link #poll()} returns null when the script has nothing more yet (an idle slot), and the
 * confirmations are kept for the test to read. Thread-safe between the test thread that adds
 * and the worker thread that reads.
 */
public final class ScriptedReplicationStream implements ReplicationStream {
  private final ConcurrentLinkedQueue<Event> pending = new ConcurrentLinkedQueue<>();
  private final List<Lsn> confirmations = new ArrayList<>();
  private volatile Lsn sent;
  private volatile Lsn lastReceived;
  private volatile Lsn confirmed;
  private volatile boolean inTransaction;
  private volatile boolean closed;

  public ScriptedReplicationStream(Lsn start) {
    this.lastReceived = start;
    this.confirmed = start;
    this.sent = start;
  }

  /** One transaction committing at {@code commitLsn} (its end is one past it) inserting {@code rows}. */
  public ScriptedReplicationStream transaction(Lsn commitLsn, TableSchema table, Row... rows) {
    List<Event> events = new ArrayList<>();
    Instant time = Instant.EPOCH;
    events.add(new BeginEvent(commitLsn, time, commitLsn.value()));
    for (int i = 0; i < rows.length; i++) {
      events.add(new InsertEvent(new TxPosition(commitLsn, i + 1), table, rows[i]));
    }
    events.add(new CommitEvent(commitLsn, endOf(commitLsn), time));
    pending.addAll(events);
    return this;
  }

  /** The end position of the transaction committing at {@code commitLsn}, as the scripts write it. */
  public static Lsn endOf(Lsn commitLsn) {
    return new Lsn(commitLsn.value() + 1);
  }

  @Override
  public Event poll() {
    Event event = pending.poll();
    if (event instanceof BeginEvent) {
      inTransaction = true;
    } else if (event instanceof CommitEvent commit) {
      inTransaction = false;
      lastReceived = commit.endLsn();
    }
    return event;
  }

  @Override
  public boolean inTransaction() {
    return inTransaction;
  }

  @Override
  public Lsn lastReceived() {
    return lastReceived;
  }

  @Override
  public synchronized void confirm(Lsn lsn) {
    if (lsn.isAfter(confirmed)) {
      confirmed = lsn;
      confirmations.add(lsn);
    }
  }

  @Override
  public Lsn confirmed() {
    return confirmed;
  }

  /** Every position confirmed, in order. */
  public synchronized List<Lsn> confirmations() {
    return List.copyOf(confirmations);
  }

  /** The confirmed position as of the last status the worker sent (what the server would store). */
  public Lsn sent() {
    return sent;
  }

  @Override
  public void sendStatus() {
    sent = confirmed;
  }

  @Override
  public void close() {
    closed = true;
  }

  public boolean closed() {
    return closed;
  }
}
