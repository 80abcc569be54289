package io.etl.core.apply;

import io.etl.core.batch.ChangeFilter;
import io.etl.core.batch.EventBatch;
import io.etl.core.batch.EventsOfOtherTables;
import io.etl.core.batch.SchemaWatch;
import io.etl.core.batch.TableNeedsCopy;
import io.etl.core.config.BatchConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.WriteReport;
import io.etl.core.error.EtlException;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.Progress;
import io.etl.core.replication.Lsn;
import io.etl.core.replication.ReplicationStream;
import io.etl.core.sync.TableStates;
import io.etl.core.sync.UnmatchedChanges;
import io.etl.core.sync.TrackedSchemas;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the apply slot into the destination. A reader thread decodes the slot into a queue
 * bounded by events and bytes (a slow destination fills it and the reader waits, so the heap
 * does not grow); the calling thread batches the changes of tables the apply worker owns,
 * writes each batch, and only then lets the reader confirm the batch's last commit to the server.
 *
 * <p>At every transaction boundary it also hands tables over from their sync workers: a table
 * waiting for a catch-up position gets the current one, and the apply worker waits until that
 * table's catch-up is done before it reads on.
 */
public final class ApplyWorker {
  private static final Logger log = LoggerFactory.getLogger(ApplyWorker.class);
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  /** Events the reader hands to the applier at once at most (fewer when the stream pauses). */
  private static final int MAX_CHUNK = 256;
  /**
   * A newly durable position is sent to the server at once, but not more often than this: slot
   * lag and {@code /status} then trail the destination by at most this much, not by pgjdbc's
   * status interval, while a stream of tiny batches does not turn into a stream of status
   * messages.
   */
  private static final long MIN_STATUS_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final ReplicationStream reader;
  private final String streamId;
  private final io.etl.core.source.PostgresErrors errors;
  private final Destination destination;
  private final TableStates tables;
  private final BatchConfig batchConfig;
  private final EtlMetrics metrics;
  private final Progress progress;
  private final TrackedSchemas schemas;
  private final SchemaWatch schemaWatch;
  private final UnmatchedChanges unmatched;
  private final BoundedEventQueue queue;
  private final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
  private volatile boolean stopRequested;
  private volatile boolean applierDone;

  // Written by the applier, read by the reader thread to confirm.
  private volatile Lsn durableLsn;
  private volatile long durableSeq;
  private volatile long enqueuedSeq;

  // The reader thread's own: what it last sent the server, and when.
  private Lsn sentLsn;
  private long sentNanos;

  /** @param streamId the destination stream this worker writes ({@code PipelineIdentity.applyStream()}) */
  public ApplyWorker(
      String streamId,
      ReplicationStream reader,
      io.etl.core.source.PostgresErrors errors,
      Lsn startPosition,
      Destination destination,
      TableStates tables,
      BatchConfig batchConfig,
      EtlMetrics metrics,
      Progress progress,
      TrackedSchemas schemas,
      SchemaWatch schemaWatch,
      UnmatchedChanges unmatched) {
    this.reader = reader;
    this.streamId = streamId;
    this.errors = errors;
    this.destination = destination;
    this.tables = tables;
    this.batchConfig = batchConfig;
    this.metrics = metrics;
    this.progress = progress;
    this.schemas = schemas;
    this.schemaWatch = schemaWatch;
    this.unmatched = unmatched;
    this.queue = new BoundedEventQueue(batchConfig.queueCapacity(), batchConfig.queueMaxBytes());
    this.durableLsn = startPosition;
    this.sentLsn = startPosition;
  }

  /** Asks the worker to stop reading; {@link #run()} flushes, confirms and returns. */
  public void stop() {
    stopRequested = true;
  }

  /** True when the destination holds everything the reader has read so far. */
  public boolean nothingInFlight() {
    return durableSeq >= enqueuedSeq;
  }

  /** Runs until {@link #stop()} or a failure; rethrows the reader's failure. */
  public void run() throws InterruptedException {
    Thread readerThread = new Thread(this::readLoop, "apply-reader");
    readerThread.setDaemon(true);
    readerThread.start();
    try {
      applyLoop();
    } finally {
      applierDone = true;
      stopRequested = true;
      readerThread.join(TimeUnit.SECONDS.toMillis(30));
      reader.close();
    }
    Throwable failure = readerFailure.get();
    if (failure != null) {
      throw asEtlException(failure);
    }
  }

  private void applyLoop() throws InterruptedException {
    EventBatch batch = new EventBatch(batchConfig);
    ChangeFilter filter = new ChangeFilter(tables::appliesTo, schemaWatch);
    Lsn applyPosition = durableLsn;
    Lsn handOverFloor = destinationHolds();
    Lsn lastCommitEnd = durableLsn;
    boolean inTransaction = false;
    long takenSeq = 0;
    progress.streaming(true);
    while (true) {
      if (readerFailure.get() != null) {
        return;
      }
      if (stopRequested && queue.isEmpty()) {
        flush(batch, lastCommitEnd, takenSeq);
        return;
      }
      long waitNanos = Math.min(batch.nanosUntilDue(), TimeUnit.MILLISECONDS.toNanos(100));
      Event event = waitNanos > 0 ? queue.poll(waitNanos, TimeUnit.NANOSECONDS) : queue.poll();
      if (event == null) {
        if (batch.isEmpty()) {
          durableSeq = takenSeq;
          markReadyWhileIdle(inTransaction);
        } else if (batch.isDue()) {
          flush(batch, lastCommitEnd, takenSeq);
        }
        if (!inTransaction && tables.anyWaitingForCatchup()) {
          flush(batch, lastCommitEnd, takenSeq);
          handOver(applyPosition, handOverFloor);
        }
        continue;
      }
      takenSeq++;
      try {
        filter.accept(event, batch);
      } catch (TableNeedsCopy e) {
        // what the batch holds of the table must be written before its new copy truncates it
        flush(batch, lastCommitEnd, takenSeq);
        log.warn("table {}: copying it again: {}", tables.name(e.oid()), e.getMessage());
        tables.copyAgain(e.oid());
      }
      if (event instanceof io.etl.core.event.BeginEvent) {
        inTransaction = true;
      } else if (event instanceof CommitEvent commit) {
        inTransaction = false;
        lastCommitEnd = commit.endLsn();
        applyPosition = commit.endLsn();
        if (tables.anyWaitingForCatchup()) {
          flush(batch, lastCommitEnd, takenSeq);
          handOver(applyPosition, handOverFloor);
        }
      }
      if (batch.isDue()) {
        flush(batch, lastCommitEnd, takenSeq);
      }
    }
  }

  /**
   * With no traffic no batch is flushed, yet a table handed over at a position beyond the last
   * commit is still in sync once the reader has confirmed past it.
   */
  private void markReadyWhileIdle(boolean inTransaction) {
    Lsn confirmed = progress.confirmed();
    if (!inTransaction && confirmed != null && tables.anySyncDone()) {
      tables.markReady(confirmed);
    }
  }

  /**
   * The commit LSN of the last transaction this stream wrote to the destination. The slot can
   * restart below it (the server stores our confirmation only every few seconds), and the
   * destination skips that replay; a table handed over inside it would lose its changes there.
   */
  private Lsn destinationHolds() {
    return destination.durablePosition(streamId).map(p -> p.commitLsn()).orElse(Lsn.ZERO);
  }

  /**
   * Every table waiting for a catch-up position gets {@code applyPosition}: the apply worker has
   * processed every transaction committed before it. It then waits for those catch-ups, so it
   * never applies a change of such a table the catch-up also applies. Not before the replay has
   * passed what the destination already holds: there the destination skips this stream's
   * changes, so the catch-up must bring the table beyond it.
   */
  private void handOver(Lsn applyPosition, Lsn floor) throws InterruptedException {
    if (!applyPosition.isAfter(floor)) {
      return;
    }
    List<Integer> started = tables.startCatchups(applyPosition);
    for (int oid : started) {
      log.info("table {}: catch-up to {} started", tables.name(oid), applyPosition);
      tables.awaitCaughtUp(oid);
    }
  }

  private void flush(EventBatch batch, Lsn lastCommitEnd, long takenSeq) {
    if (!batch.isEmpty()) {
      int size = batch.size();
      int changes = batch.changes();
      long bytes = batch.bytes();
      List<Event> events = batch.drain();
      Failpoints.reached(Failpoint.APPLY_BEFORE_WRITE);
      write(events);
      Failpoints.reached(Failpoint.APPLY_AFTER_WRITE);
      metrics.batchApplied(changes, bytes);
      progress.addEventsApplied(changes);
      log.debug("applied batch of {} events ({} changes) up to {}", size, changes, lastCommitEnd);
    }
    durableLsn = lastCommitEnd;
    durableSeq = takenSeq;
    tables.markReady(lastCommitEnd);
  }

  /**
   * Writes a batch. A fatal failure of one table errors that table and the batch is written
   * again without it: the destination wrote nothing of the failed attempt.
   */
  private void write(List<Event> events) {
    List<Event> remaining = events;
    while (true) {
      try {
        WriteReport report = destination.writeEvents(streamId, remaining);
        schemas.applied(remaining);
        unmatched.record(report);
        return;
      } catch (EtlException e) {
        if (e.isRetryable() || e.tableOid().isEmpty()) {
          throw e;
        }
        int oid = e.tableOid().getAsInt();
        List<Event> others = EventsOfOtherTables.without(remaining, oid);
        if (others.size() == remaining.size()) {
          throw e; // the batch holds nothing of that table: leaving it out would change nothing
        }
        log.error("table {} errored: {}", tables.name(oid), e.getMessage());
        metrics.error("fatal", e.category());
        tables.errored(oid, e.reason(), e.solution());
        remaining = others;
      }
    }
  }

  private void readLoop() {
    try {
      long seq = 0;
      long confirmedAtSeq = 0;
      List<Event> chunk = new ArrayList<>(MAX_CHUNK);
      while (!stopRequested) {
        Event event = reader.poll();
        if (event != null) {
          chunk.add(event);
          seq++;
          if (chunk.size() < MAX_CHUNK) {
            continue;
          }
        }
        // a full chunk, or the stream has nothing more right now: hand over what was read
        if (!chunk.isEmpty()) {
          if (!enqueue(chunk)) {
            return;
          }
          chunk = new ArrayList<>(MAX_CHUNK);
          enqueuedSeq = seq;
          if (seq - confirmedAtSeq >= 1024) {
            confirm(seq, false);
            confirmedAtSeq = seq;
          }
        }
        if (event == null) {
          confirm(seq, true);
          confirmedAtSeq = seq;
          LockSupport.parkNanos(IDLE_POLL_NANOS);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!applierDone && durableSeq < enqueuedSeq && System.nanoTime() < deadline) {
        LockSupport.parkNanos(IDLE_POLL_NANOS);
      }
      confirm(enqueuedSeq, false);
      reader.sendStatus();
    } catch (Throwable t) {
      readerFailure.compareAndSet(null, t);
    }
  }

  /** Puts a chunk in the queue, waiting while it is full; false if asked to stop meanwhile. */
  private boolean enqueue(List<Event> chunk) throws InterruptedException, SQLException {
    int waits = 0;
    while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
      if (stopRequested) {
        return false;
      }
      // The destination is slow and the queue full: nothing is read, so pgjdbc answers no
      // keepalive; a status update every second keeps the server from timing us out.
      if (++waits % 10 == 0) {
        confirm(enqueuedSeq, false);
        reader.sendStatus();
      }
    }
    return true;
  }

  /**
   * Confirms what is durable. When idle, nothing is in flight and no transaction is open, every
   * position the server reported (keepalives included) is safe to confirm, which keeps the slot
   * from holding WAL for changes to other tables.
   */
  private void confirm(long readSeq, boolean idle) throws SQLException {
    Lsn lsn = durableLsn;
    if (idle && durableSeq >= readSeq && !reader.inTransaction()) {
      Lsn received = reader.lastReceived();
      if (received.isAfter(lsn)) {
        lsn = received;
      }
    }
    reader.confirm(lsn);
    Lsn confirmed = reader.confirmed();
    long now = System.nanoTime();
    if (confirmed.isAfter(sentLsn) && now - sentNanos >= MIN_STATUS_GAP_NANOS) {
      reader.sendStatus();
      sentLsn = confirmed;
      sentNanos = now;
    }
    progress.confirmed(confirmed);
    progress.received(reader.lastReceived());
    metrics.confirmedFlushLsn(reader.confirmed().value());
  }

  private RuntimeException asEtlException(Throwable t) {
    if (t instanceof EtlException e) {
      return e;
    }
    if (t instanceof SQLException e) {
      return errors.classify(e);
    }
    return EtlException.retryable("apply_reader_failed", "the replication reader failed: " + t, "", t);
  }
}
