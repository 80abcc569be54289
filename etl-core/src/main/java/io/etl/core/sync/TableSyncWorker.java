package io.etl.core.sync;

import io.etl.core.batch.ChangeFilter;
import io.etl.core.batch.EventBatch;
import io.etl.core.batch.TableNeedsCopy;
import io.etl.core.config.PipelineConfig;
import io.etl.core.destination.Destination;
import io.etl.core.destination.WriteReport;
import io.etl.core.error.EtlException;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.Event;
import io.etl.core.event.MessageEvent;
import io.etl.core.failpoint.Failpoint;
import io.etl.core.failpoint.Failpoints;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.replication.Lsn;
import io.etl.core.replication.ReplicationSlots;
import io.etl.core.replication.ReplicationStream;
import io.etl.core.replication.SlotReader;
import io.etl.core.replication.SlotSnapshot;
import io.etl.core.schema.TableSchema;
import io.etl.core.source.PostgresConnector;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import io.etl.core.event.TxPosition;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one table from INIT to SYNC_DONE the way PostgreSQL's tablesync does: a per-table slot
 * exporting a snapshot, a copy under that snapshot, then a catch-up from the table's own slot
 * up to the position the apply worker names, then the slot is dropped.
 */
public final class TableSyncWorker {
  static final String MARKER_PREFIX = "etl_sync_marker";
  private static final Logger log = LoggerFactory.getLogger(TableSyncWorker.class);

  private final int oid;
  private final PipelineConfig config;
  private final String streamId;
  private final UnmatchedChanges unmatched;
  private final PostgresConnector source;
  private final Destination destination;
  private final TableStates tables;
  private final EtlMetrics metrics;
  private final TrackedSchemas schemas;
  private final ReplicationStream.Opener streams;

  /** @param streamId the destination stream of this table's catch-up ({@code PipelineIdentity.tableSyncStream}) */
  public TableSyncWorker(
      int oid,
      PipelineConfig config,
      String streamId,
      PostgresConnector source,
      Destination destination,
      TableStates tables,
      TrackedSchemas schemas,
      EtlMetrics metrics,
      UnmatchedChanges unmatched) {
    this(oid, config, streamId, source, destination, tables, schemas, metrics, unmatched,
        (slot, start) -> new SlotReader(source.openReplication(), slot, start, config.pipeline().publication(), metrics));
  }

  /** @param streams opens the catch-up's stream of the table's own slot */
  public TableSyncWorker(
      int oid,
      PipelineConfig config,
      String streamId,
      PostgresConnector source,
      Destination destination,
      TableStates tables,
      TrackedSchemas schemas,
      EtlMetrics metrics,
      UnmatchedChanges unmatched,
      ReplicationStream.Opener streams) {
    this.streams = streams;
    this.oid = oid;
    this.config = config;
    this.streamId = streamId;
    this.unmatched = unmatched;
    this.source = source;
    this.destination = destination;
    this.tables = tables;
    this.metrics = metrics;
    this.schemas = schemas;
  }

  /**
   * Runs the table to SYNC_DONE. A fatal fault marks only this table ERRORED; a retryable one
   * is rethrown (the pipeline restarts the hand-over from the persisted state).
   */
  public void run() throws InterruptedException {
    try {
      while (true) {
        TableState state = tables.get(oid);
        if (state == null) {
          return; // left the publication
        }
        TablePhase phase = state.phase();
        if (phase == TablePhase.INIT || phase == TablePhase.DATA_SYNC) {
          copy();
        }
        try {
          if (catchUp()) {
            return;
          }
        } catch (TableNeedsCopy e) {
          log.warn("table {}: copying it again: {}", tables.name(oid), e.getMessage());
          tables.restartCopy(oid);
        }
      }
    } catch (EtlException e) {
      if (Thread.currentThread().isInterrupted()) {
        // the pipeline is stopping or the table left the publication: not the table's fault
        tables.abandonHandOver(oid);
        throw new InterruptedException("table sync of " + tables.name(oid) + " stopped: " + e.getMessage());
      }
      if (!e.isRetryable()) {
        log.error("table {} errored: {}", tables.name(oid), e.getMessage());
        metrics.error("fatal", e.category());
        tables.errored(oid, e.reason(), e.solution());
        dropSlotOfErroredTable();
        return;
      }
      tables.abandonHandOver(oid);
      throw e;
    } catch (SQLException e) {
      tables.abandonHandOver(oid);
      throw source.errors().classify(e);
    } catch (InterruptedException | RuntimeException | Error e) {
      tables.abandonHandOver(oid);
      throw e;
    }
  }

  /** An errored table waits for a user's retry, which copies it from scratch: its slot would only hold WAL. */
  private void dropSlotOfErroredTable() {
    try (Connection c = source.open()) {
      ReplicationSlots.dropIfExists(c, slotName());
    } catch (SQLException | RuntimeException e) {
      log.warn("table {}: could not drop sync slot {} ({}); drop it by hand if it stays", tables.name(oid), slotName(),
          e.getMessage());
    }
  }

  private String slotName() {
    return config.tableSyncSlotName(oid);
  }

  private void copy() throws SQLException, InterruptedException {
    TableSchema schema;
    try (Connection c = source.open()) {
      // a copy that crashed left its slot behind; its snapshot is gone, so start over
      ReplicationSlots.dropIfExists(c, slotName());
      schema = new io.etl.core.source.SourceCatalog().readTableSchema(c, oid);
    }
    schemas.copied(schema);
    destination.prepareTable(schema);
    tables.startCopy(oid);
    destination.truncateTable(schema);
    log.info("table {}: copy started", schema.id());
    long rows;
    PGConnection replication = source.openReplication();
    try {
      SlotSnapshot snapshot = ReplicationSlots.createExportingSnapshot(replication, slotName());
      rows = new TableCopier(source, destination, config.tableSync(), tables, metrics).copy(schema, snapshot.snapshotName());
    } finally {
      closeQuietly(replication);
    }
    tables.finishCopy(oid);
    log.info("table {}: copied {} rows", schema.id(), rows);
  }

  /**
   * Replays this table's changes from its slot, committed before the apply worker's position,
   * then hands the table to the apply worker at max(that position, the slot's start). Returns
   * false when the slot vanished (dropped by hand), after sending the table back to INIT.
   */
  private boolean catchUp() throws SQLException, InterruptedException {
    Lsn slotStart;
    try (Connection c = source.open()) {
      var slot = ReplicationSlots.find(c, slotName());
      if (slot.isEmpty()) {
        log.warn("table {}: sync slot {} is gone; copying the table again", tables.name(oid), slotName());
        tables.restartCopy(oid);
        return false;
      }
      slotStart = slot.get().confirmedFlush();
    }
    Lsn target = tables.awaitCatchupPosition(oid);
    Lsn handOver = handOverPosition(target, slotStart, destination.durablePosition(streamId));
    if (handOver.isAfter(slotStart)) {
      Lsn marker;
      try (Connection c = source.open()) {
        marker = ReplicationSlots.emitMessage(c, MARKER_PREFIX);
      }
      replay(slotStart, handOver, marker);
    }
    Failpoints.reached(Failpoint.SYNC_HAND_OVER);
    tables.syncDone(oid, handOver);
    log.info("table {}: in sync at {}, handed to the apply worker", tables.name(oid), handOver);
    // a failure here is no reason to redo the table: the next start drops a leftover slot
    try (Connection c = source.open()) {
      ReplicationSlots.dropIfExists(c, slotName());
    } catch (SQLException | RuntimeException e) {
      log.warn("table {}: sync slot {} not dropped ({}); it is dropped at the next start", tables.name(oid), slotName(),
          e.getMessage());
    }
    return true;
  }

  /**
   * Where the table passes to the apply worker: the apply worker's position ("apply in front":
   * the catch-up replays up to it), or the sync slot's start when that is later ("sync in front":
   * the copy already holds everything before it, so nothing is replayed and the apply worker skips
   * the table's changes until it gets there). An earlier catch-up that crashed may have written
   * the table beyond both; the apply worker would apply those transactions again, so then the
   * hand-over is just past the last one it wrote.
   */
  static Lsn handOverPosition(Lsn applyPosition, Lsn slotStart, Optional<TxPosition> catchUpWrote) {
    Lsn pastWritten = catchUpWrote.map(p -> new Lsn(p.commitLsn().value() + 1)).orElse(Lsn.ZERO);
    return Lsn.max(Lsn.max(applyPosition, slotStart), pastWritten);
  }

  private void replay(Lsn slotStart, Lsn target, Lsn marker) throws SQLException {
    EventBatch batch = new EventBatch(config.batch());
    ChangeFilter filter = new ChangeFilter((table, commitLsn) -> table == oid && commitLsn.isBefore(target),
        new SourceSchemaWatch(schemas, source));
    try (ReplicationStream reader = streams.open(slotName(), slotStart)) {
      while (true) {
        Event event = reader.poll();
        if (event == null) {
          if (!batch.isEmpty() && batch.isDue()) {
            write(batch);
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
          continue;
        }
        // every later transaction commits after the target: the apply worker owns it
        if (event instanceof BeginEvent begin && !begin.finalLsn().isBefore(target)) {
          break;
        }
        if (event instanceof MessageEvent m && !m.transactional() && !m.lsn().isBefore(marker)) {
          break;
        }
        filter.accept(event, batch);
        if (batch.isFull()) {
          write(batch);
        }
      }
      if (!batch.isEmpty()) {
        write(batch);
      }
    }
  }

  private void write(EventBatch batch) {
    int changes = batch.changes();
    long bytes = batch.bytes();
    List<Event> events = batch.drain();
    WriteReport report = destination.writeEvents(streamId, events);
    schemas.applied(events);
    unmatched.record(report);
    metrics.batchApplied(changes, bytes);
  }

  private static void closeQuietly(PGConnection connection) {
    try {
      ((Connection) connection).close();
    } catch (SQLException ignored) {
      // the slot survives; only the snapshot goes
    }
  }
}
