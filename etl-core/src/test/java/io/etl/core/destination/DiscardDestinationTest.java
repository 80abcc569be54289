package io.etl.core.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.event.UpdateEvent;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DiscardDestinationTest {
  private static final TableSchema T = new TableSchema(1, new TableId("public", "t"), List.of(
      new ColumnSchema("id", 23, -1, "integer", false, true),
      new ColumnSchema("v", 25, -1, "text", true, false)), 'd');

  @Test
  void countsRowsWrittenConcurrentlyByManyWorkers() throws Exception {
    DiscardDestination destination = new DiscardDestination();
    destination.verify();
    destination.prepareTable(T);
    List<Row> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(Row.of(Integer.toString(i), "v"));
    }
    ExecutorService workers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        done.add(workers.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            destination.writeTableRows(T, batch);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      workers.shutdown();
    }
    assertEquals(4 * 1000 * 100, destination.rowsWritten());
    destination.truncateTable(T);
    assertEquals(4 * 1000 * 100, destination.rowsWritten(), "a truncate discards nothing it does not hold");
  }

  @Test
  void countsEventsAndTheirChangesTracksNoPositionAndTakesReplays() {
    DiscardDestination destination = new DiscardDestination();
    List<Event> tx = List.of(
        new BeginEvent(new Lsn(10), Instant.EPOCH, 10),
        new InsertEvent(new TxPosition(new Lsn(10), 1), T, Row.of("1", "a")),
        new UpdateEvent(new TxPosition(new Lsn(10), 2), T, null, false, Row.of("1", "b")),
        new CommitEvent(new Lsn(10), new Lsn(11), Instant.EPOCH));

    assertEquals(WriteReport.NONE, destination.writeEvents("apply", tx));
    destination.writeEvents("apply", tx);

    assertEquals(8, destination.eventsWritten());
    assertEquals(4, destination.changesWritten());
    assertEquals(Optional.empty(), destination.durablePosition("apply"), "holds nothing, so the source's position is the one to resume from");
    assertEquals(0, destination.rowsWritten());
  }
}
