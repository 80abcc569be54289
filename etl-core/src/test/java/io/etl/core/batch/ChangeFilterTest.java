package io.etl.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.etl.core.config.BatchConfig;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.SchemaChangeEvent;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeFilterTest {
  private static final TableSchema A = table(1, "a");
  private static final TableSchema B = table(2, "b");
  private static final Lsn AT = Lsn.parse("0/100");

  @Test
  void aTransactionWithNothingOwnedLeavesNothingBehind() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    ChangeFilter filter = new ChangeFilter((oid, lsn) -> oid == A.oid());
    feed(filter, batch, begin(), insert(B, "x"), commit());
    assertEquals(0, batch.size());
  }

  @Test
  void ownedChangesPassWithTheirTransactionBoundaries() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    ChangeFilter filter = new ChangeFilter((oid, lsn) -> oid == A.oid());
    BeginEvent begin = begin();
    InsertEvent a = insert(A, "1");
    CommitEvent commit = commit();
    feed(filter, batch, begin, insert(B, "x"), a, commit);
    assertEquals(List.of(begin, a, commit), batch.drain());
  }

  @Test
  void ownershipIsByCommitPosition() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    ChangeFilter filter = new ChangeFilter((oid, lsn) -> !lsn.isBefore(Lsn.parse("0/200")));
    feed(filter, batch, begin(), insert(A, "1"), commit());
    assertEquals(0, batch.size(), "committed before 0/200: not owned");
  }

  @Test
  void aTruncateKeepsOnlyTheOwnedTables() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    ChangeFilter filter = new ChangeFilter((oid, lsn) -> oid == A.oid());
    feed(filter, batch, begin(), new TruncateEvent(new TxPosition(AT, 1), List.of(A, B), false, false), commit());
    List<Event> events = batch.drain();
    assertEquals(3, events.size());
    assertEquals(List.of(A), ((TruncateEvent) events.get(1)).tables());
  }

  @Test
  void aSchemaChangeGoesBeforeTheFirstChangeOfItsTable() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    TableSchema wider = new TableSchema(A.oid(), A.id(),
        List.of(A.columns().get(0), new ColumnSchema("w", 25, -1, "text", true, false)), 'd');
    SchemaChangeEvent change = new SchemaChangeEvent(A, wider, List.of());
    ChangeFilter filter = new ChangeFilter((oid, lsn) -> true, relation -> relation.equals(wider) ? change : null);
    InsertEvent insert = new InsertEvent(new TxPosition(AT, 1), wider, Row.of("1", "w"));
    feed(filter, batch, begin(), insert, commit());
    assertEquals(List.of(change, insert), batch.drain().subList(1, 3));
  }

  @Test
  void aTableThatMustBeCopiedAgainAddsNothingOfTheChange() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    ChangeFilter filter = new ChangeFilter((oid, lsn) -> true, relation -> {
      throw new TableNeedsCopy(relation.oid(), "a column's type changed");
    });
    filter.accept(begin(), batch);
    assertThrows(TableNeedsCopy.class, () -> filter.accept(insert(A, "1"), batch));
    assertEquals(0, batch.size());
  }

  private static void feed(ChangeFilter filter, EventBatch batch, Event... events) {
    for (Event event : events) {
      filter.accept(event, batch);
    }
  }

  private static BeginEvent begin() {
    return new BeginEvent(AT, Instant.EPOCH, 7);
  }

  private static CommitEvent commit() {
    return new CommitEvent(AT, new Lsn(AT.value() + 1), Instant.EPOCH);
  }

  private static InsertEvent insert(TableSchema table, String value) {
    return new InsertEvent(new TxPosition(AT, 1), table, Row.of(value));
  }

  private static TableSchema table(int oid, String name) {
    return new TableSchema(oid, new TableId("public", name), List.of(new ColumnSchema("id", 23, -1, "integer", false, true)), 'd');
  }
}
