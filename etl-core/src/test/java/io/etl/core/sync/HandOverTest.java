package io.etl.core.sync;

import static io.etl.core.testing.ScriptedReplicationStream.endOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.apply.ApplyWorker;
import io.etl.core.batch.SchemaWatch;
import io.etl.core.config.BatchConfig;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.metrics.EtlMetrics;
import io.etl.core.pipeline.Progress;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import io.etl.core.source.PostgresErrors;
import io.etl.core.state.MemoryStateStore;
import io.etl.core.state.TablePhase;
import io.etl.core.state.TableState;
import io.etl.core.testing.Eventually;
import io.etl.core.testing.ScriptedReplicationStream;
import io.etl.core.testing.TableTransitions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of a copied table from its sync worker to the apply worker, the two timelines of
 * PostgreSQL's tablesync.c header, over the real ApplyWorker and TableStates with a scripted apply
 * slot and the memory destination and state store. The test thread plays the sync worker with
 * the calls TableSyncWorker makes. The tables have no key, so a change applied twice shows as a
 * duplicate row.
 */
class HandOverTest {
  private static final int ORDERS = 1;
  private static final int OTHER = 2;
  private static final TableSchema ORDERS_TABLE = unkeyed(ORDERS, "orders");
  private static final TableSchema OTHER_TABLE = unkeyed(OTHER, "other");
  private static final String APPLY_STREAM = "p/apply";
  private static final String SYNC_STREAM = "p/sync_1";

  private final MemoryStateStore store = new MemoryStateStore();
  private final MemoryDestination destination = new MemoryDestination();
  private final AtomicReference<Throwable> applyFailure = new AtomicReference<>();
  private TableStates tables;
  private ApplyWorker apply;
  private Thread applyThread;

  @AfterEach
  void stopApply() throws InterruptedException {
    if (apply != null) {
      apply.stop();
      applyThread.join(30_000);
      tables.stop();
    }
  }

  @Test
  void applyInFront_theCatchUpReplaysUpToTheApplyPositionAndApplyTakesOverAfterIt() throws Exception {
    ScriptedReplicationStream slot = startWithOrdersCopied(Lsn.parse("0/100"), "1");
    TableTransitions transitions = TableTransitions.of(tables);
    Lsn syncSlotStart = Lsn.parse("0/120");
    // committed after the copy's snapshot, while orders is still being copied: the apply worker
    // passes it by, the catch-up must apply it
    slot.transaction(Lsn.parse("0/150"), ORDERS_TABLE, Row.of("2"));
    slot.transaction(Lsn.parse("0/200"), OTHER_TABLE, Row.of("a"));
    Eventually.await("the apply worker passed 0/200", () -> destination.rowCount(OTHER_TABLE.id()) == 1);

    Lsn applyPosition = tables.awaitCatchupPosition(ORDERS);
    assertEquals(endOf(Lsn.parse("0/200")), applyPosition, "the apply worker names the end of its last commit");
    Lsn handOver = TableSyncWorker.handOverPosition(applyPosition, syncSlotStart, destination.durablePosition(SYNC_STREAM));
    assertEquals(applyPosition, handOver, "apply is in front: the catch-up goes up to its position");
    // the apply worker waits for the catch-up; what it reads meanwhile it applies only after
    slot.transaction(Lsn.parse("0/300"), ORDERS_TABLE, Row.of("3"));
    catchUp(Lsn.parse("0/150"), Row.of("2"));
    assertEquals(List.of(Row.of("1"), Row.of("2")), destination.rows(ORDERS_TABLE.id()),
        "nothing of 0/300 while the catch-up runs");
    tables.syncDone(ORDERS, handOver);

    assertEquals(TableState.at(TablePhase.READY, handOver), transitions.await(ORDERS, TablePhase.READY));
    assertEquals(List.of(Row.of("1"), Row.of("2"), Row.of("3")), destination.rows(ORDERS_TABLE.id()),
        "every change once: 0/150 by the catch-up, 0/300 by the apply worker");
    assertEquals(List.of(TablePhase.SYNC_WAIT, TablePhase.CATCHUP, TablePhase.SYNC_DONE, TablePhase.READY),
        transitions.phasesOf(ORDERS));
    assertEquals(TableState.at(TablePhase.READY, handOver), store.loadTableStates().get(ORDERS));
    Eventually.await("the apply slot confirmed past 0/300",
        () -> !slot.confirmed().isBefore(endOf(Lsn.parse("0/300"))));
  }

  @Test
  void syncInFront_nothingIsReplayedAndTheApplyWorkerSkipsWhatTheCopyHeld() throws Exception {
    // the copy's snapshot was taken at 0/300: it holds row 2, committed at 0/200
    ScriptedReplicationStream slot = startWithOrdersCopied(Lsn.parse("0/100"), "1", "2");
    TableTransitions transitions = TableTransitions.of(tables);
    Lsn syncSlotStart = Lsn.parse("0/300");

    Lsn applyPosition = tables.awaitCatchupPosition(ORDERS);
    assertEquals(Lsn.parse("0/100"), applyPosition, "an idle apply worker names where it stands");
    Lsn handOver = TableSyncWorker.handOverPosition(applyPosition, syncSlotStart, destination.durablePosition(SYNC_STREAM));
    assertEquals(syncSlotStart, handOver, "sync is in front: the hand-over is at the sync slot's start");
    tables.syncDone(ORDERS, handOver);
    slot.transaction(Lsn.parse("0/200"), ORDERS_TABLE, Row.of("2"));
    slot.transaction(Lsn.parse("0/400"), ORDERS_TABLE, Row.of("4"));

    assertEquals(TableState.at(TablePhase.READY, handOver), transitions.await(ORDERS, TablePhase.READY));
    assertEquals(List.of(Row.of("1"), Row.of("2"), Row.of("4")), destination.rows(ORDERS_TABLE.id()),
        "0/200 is in the copy and skipped; 0/400 applied");
  }

  @Test
  void aCatchUpThatCrashedAfterWritingHandsOverJustPastWhatItWrote() {
    Optional<TxPosition> wrote = Optional.of(new TxPosition(Lsn.parse("0/500"), TxPosition.COMMIT_ORDINAL));
    assertEquals(Lsn.parse("0/501"), TableSyncWorker.handOverPosition(Lsn.parse("0/400"), Lsn.parse("0/300"), wrote));
  }

  /** Orders copied (FINISHED_COPY) with {@code rows}, other READY; the apply worker streams from {@code start}. */
  private ScriptedReplicationStream startWithOrdersCopied(Lsn start, String... rows) {
    store.updateTableState(ORDERS, TableState.of(TablePhase.FINISHED_COPY));
    store.updateTableState(OTHER, TableState.at(TablePhase.READY, Lsn.ZERO));
    tables = TableStates.load(store, Map.of(ORDERS, ORDERS_TABLE.id(), OTHER, OTHER_TABLE.id()));
    destination.prepareTable(ORDERS_TABLE);
    destination.prepareTable(OTHER_TABLE);
    destination.writeTableRows(ORDERS_TABLE, java.util.Arrays.stream(rows).map(Row::of).toList());
    ScriptedReplicationStream slot = new ScriptedReplicationStream(start);
    EtlMetrics metrics = EtlMetrics.noop();
    apply = new ApplyWorker(APPLY_STREAM, slot, new PostgresErrors("source", "localhost", 5432, "db", "u", null), start,
        destination, tables, BatchConfig.DEFAULT, metrics, new Progress(), new TrackedSchemas(store), SchemaWatch.NONE,
        new UnmatchedChanges(tables, metrics, false));
    applyThread = new Thread(() -> {
      try {
        apply.run();
      } catch (Throwable t) {
        applyFailure.set(t);
      }
    }, "apply");
    applyThread.start();
    return slot;
  }

  /** What TableSyncWorker's replay writes for one transaction of its slot. */
  private void catchUp(Lsn commitLsn, Row row) {
    destination.writeEvents(SYNC_STREAM, List.of(
        new BeginEvent(commitLsn, Instant.EPOCH, 1),
        new InsertEvent(new TxPosition(commitLsn, 1), ORDERS_TABLE, row),
        new CommitEvent(commitLsn, endOf(commitLsn), Instant.EPOCH)));
  }

  private static TableSchema unkeyed(int oid, String name) {
    return new TableSchema(oid, new TableId("public", name),
        List.of(new ColumnSchema("v", 25, -1, "text", true, false)), 'f');
  }
}
