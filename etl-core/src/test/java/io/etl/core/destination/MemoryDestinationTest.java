package io.etl.core.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.DeleteEvent;
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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryDestinationTest {
  private static final TableSchema T = new TableSchema(1, new TableId("public", "t"), List.of(
      new ColumnSchema("id", 23, -1, "integer", false, true),
      new ColumnSchema("v", 25, -1, "text", true, false)), 'd');

  private static List<Event> tx(long lsn, Event... changes) {
    List<Event> events = new java.util.ArrayList<>();
    events.add(new BeginEvent(new Lsn(lsn), Instant.EPOCH, lsn));
    events.addAll(List.of(changes));
    events.add(new CommitEvent(new Lsn(lsn), new Lsn(lsn + 1), Instant.EPOCH));
    return events;
  }

  private static TxPosition at(long lsn, long ordinal) {
    return new TxPosition(new Lsn(lsn), ordinal);
  }

  @Test
  void appliesChangesOnceAndSkipsReplays() {
    MemoryDestination destination = new MemoryDestination();
    destination.prepareTable(T);
    List<Event> first = tx(10, new InsertEvent(at(10, 1), T, Row.of("1", "a")), new InsertEvent(at(10, 2), T, Row.of("2", "b")));
    List<Event> second = tx(20, new UpdateEvent(at(20, 1), T, null, false, Row.of("1", "A")),
        new DeleteEvent(at(20, 2), T, Row.of("2", null), true));
    destination.writeEvents("apply", first);
    destination.writeEvents("apply", second);
    destination.writeEvents("apply", first);
    destination.writeEvents("apply", second.subList(0, 2));

    assertEquals(1, destination.rowCount(T.id()));
    assertEquals("A", destination.rows(T.id()).get(0).get(1));
    assertEquals(Optional.of(new TxPosition(new Lsn(20), TxPosition.COMMIT_ORDINAL)), destination.durablePosition("apply"));
  }

  @Test
  void unappliedKeepsOnlyWhatComesAfterThePosition() {
    List<Event> events = tx(30, new InsertEvent(at(30, 1), T, Row.of("1", "a")), new InsertEvent(at(30, 2), T, Row.of("2", "b")));
    Unapplied unapplied = Unapplied.after(at(30, 1), events);
    assertEquals(1, unapplied.changes().size());
    assertEquals(new TxPosition(new Lsn(30), TxPosition.COMMIT_ORDINAL), unapplied.last());
    Unapplied nothing = Unapplied.after(new TxPosition(new Lsn(30), TxPosition.COMMIT_ORDINAL), events);
    assertEquals(List.of(), nothing.changes());
    assertEquals(false, nothing.advances(new TxPosition(new Lsn(30), TxPosition.COMMIT_ORDINAL)));
  }
}
