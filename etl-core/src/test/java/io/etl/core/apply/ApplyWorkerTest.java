package io.etl.core.apply;

import static io.etl.core.testing.ScriptedReplicationStream.endOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.batch.SchemaWatch;
import io.etl.core.config.BatchConfig;
import io.etl.core.destination.ForwardingDestination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.destination.WriteReport;
import io.etl.core.error.EtlException;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
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
import io.etl.core.sync.TableStates;
import io.etl.core.sync.TrackedSchemas;
import io.etl.core.sync.UnmatchedChanges;
import io.etl.core.testing.Eventually;
import io.etl.core.testing.ScriptedReplicationStream;
import io.etl.core.testing.TableTransitions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The apply worker over a scripted slot, the memory destination and the memory state store. */
class ApplyWorkerTest {
  private static final TableSchema A = table(1, "a");
  private static final TableSchema B = table(2, "b");
  private static final Lsn START = Lsn.parse("0/100");

  private final MemoryStateStore store = new MemoryStateStore();

  @Test
  void sendsTheConfirmedPositionAsSoonAsABatchIsDurableNotOnATimer() throws Exception {
    MemoryDestination destination = new MemoryDestination();
    ScriptedReplicationStream slot = new ScriptedReplicationStream(START).transaction(Lsn.parse("0/200"), A, Row.of("1"));
    ApplyWorker apply = worker(slot, destination, readyTables());
    Thread thread = run(apply, new AtomicReference<>());
    try {
      // while the worker runs (its stop sends a status anyway), and the scripted stream has no timer
      Eventually.await("the server told the batch's end", () -> !slot.sent().isBefore(endOf(Lsn.parse("0/200"))));
      slot.transaction(Lsn.parse("0/300"), A, Row.of("2"));
      Eventually.await("and the next one's", () -> !slot.sent().isBefore(endOf(Lsn.parse("0/300"))));
    } finally {
      apply.stop();
      thread.join();
    }
  }

  @Test
  void appliesTheOwnedTablesAndConfirmsWhatTheDestinationHolds() throws Exception {
    MemoryDestination destination = new MemoryDestination();
    TableStates tables = readyTables();
    ScriptedReplicationStream slot = new ScriptedReplicationStream(START)
        .transaction(Lsn.parse("0/200"), A, Row.of("1"), Row.of("2"))
        .transaction(Lsn.parse("0/300"), B, Row.of("3"));
    ApplyWorker apply = worker(slot, destination, tables);
    Thread thread = run(apply, new AtomicReference<>());
    Eventually.await("both transactions applied", () -> destination.rowCount(B.id()) == 1);
    Eventually.await("confirmed past them", () -> !slot.confirmed().isBefore(endOf(Lsn.parse("0/300"))));
    apply.stop();
    thread.join();
    assertEquals(List.of(Row.of("1"), Row.of("2")), destination.rows(A.id()));
    assertTrue(slot.closed(), "the worker closes its stream");
  }

  @Test
  void aTableTheDestinationRejectsIsErroredAndTheOthersGoOn() throws Exception {
    MemoryDestination memory = new MemoryDestination();
    ForwardingDestination rejectsA = new ForwardingDestination(memory) {
      @Override
      public WriteReport writeEvents(String streamId, List<Event> events) {
        if (events.stream().anyMatch(e -> e instanceof InsertEvent i && i.table().oid() == A.oid())) {
          throw EtlException.fatal("value_out_of_range", "a value of a does not fit", "widen the column", null)
              .forTable(A.oid());
        }
        return super.writeEvents(streamId, events);
      }
    };
    TableStates tables = readyTables();
    TableTransitions transitions = TableTransitions.of(tables);
    ScriptedReplicationStream slot = new ScriptedReplicationStream(START)
        .transaction(Lsn.parse("0/200"), A, Row.of("1"))
        .transaction(Lsn.parse("0/300"), B, Row.of("3"));
    ApplyWorker apply = worker(slot, rejectsA, tables);
    Thread thread = run(apply, new AtomicReference<>());
    TableState errored = transitions.await(A.oid(), TablePhase.ERRORED);
    assertEquals("a value of a does not fit", errored.reason());
    Eventually.await("b applied and confirmed", () -> memory.rowCount(B.id()) == 1
        && !slot.confirmed().isBefore(endOf(Lsn.parse("0/300"))));
    apply.stop();
    thread.join();
    assertEquals(0, memory.rowCount(A.id()));
    assertEquals(TablePhase.ERRORED, store.loadTableStates().get(A.oid()).phase(), "persisted");
  }

  @Test
  void aRetryableDestinationFaultEndsTheRunWithoutConfirmingWhatWasNotWritten() throws Exception {
    ForwardingDestination down = new ForwardingDestination(new MemoryDestination()) {
      @Override
      public WriteReport writeEvents(String streamId, List<Event> events) {
        throw EtlException.retryable("destination_unreachable", "the destination is down", "bring it back", null);
      }
    };
    TableStates tables = readyTables();
    ScriptedReplicationStream slot = new ScriptedReplicationStream(START).transaction(Lsn.parse("0/200"), A, Row.of("1"));
    ApplyWorker apply = worker(slot, down, tables);
    EtlException e = assertThrows(EtlException.class, apply::run);
    assertEquals("destination_unreachable", e.category());
    assertTrue(!slot.confirmed().isAfter(START), "nothing confirmed past the start: " + slot.confirmations());
  }

  private TableStates readyTables() {
    store.updateTableState(A.oid(), TableState.at(TablePhase.READY, Lsn.ZERO));
    store.updateTableState(B.oid(), TableState.at(TablePhase.READY, Lsn.ZERO));
    return TableStates.load(store, Map.of(A.oid(), A.id(), B.oid(), B.id()));
  }

  private ApplyWorker worker(ScriptedReplicationStream slot, io.etl.core.destination.Destination destination,
      TableStates tables) {
    EtlMetrics metrics = EtlMetrics.noop();
    return new ApplyWorker("p/apply", slot, new PostgresErrors("source", "localhost", 5432, "db", "u", null), START,
        destination, tables, BatchConfig.DEFAULT, metrics, new Progress(), new TrackedSchemas(store), SchemaWatch.NONE,
        new UnmatchedChanges(tables, metrics, false));
  }

  private static Thread run(ApplyWorker apply, AtomicReference<Throwable> failure) {
    Thread thread = new Thread(() -> {
      try {
        apply.run();
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "apply");
    thread.start();
    return thread;
  }

  private static TableSchema table(int oid, String name) {
    return new TableSchema(oid, new TableId("public", name), List.of(new ColumnSchema("id", 23, -1, "integer", false, true)), 'd');
  }
}
