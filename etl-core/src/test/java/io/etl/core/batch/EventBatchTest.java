package io.etl.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.config.BatchConfig;
import io.etl.core.event.BeginEvent;
import io.etl.core.event.CommitEvent;
import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TruncateEvent;
import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchTest {
  private static final TableSchema TABLE = new TableSchema(
      16384, new TableId("public", "t"), List.of(new ColumnSchema("v", 25, -1, "text", true, false)), 'd');

  private static Event insert(long lsn, int ordinal) {
    return new InsertEvent(new TxPosition(new Lsn(lsn), ordinal), TABLE, Row.of("v" + ordinal));
  }

  @Test
  void maxEventsCountsChangeEventsOnlyNotBeginCommitOrSchema() {
    EventBatch batch = new EventBatch(BatchConfig.builder().maxEvents(3).build());
    // three transactions of one insert each: 9 events, 3 of them changes
    for (int tx = 1; tx <= 3; tx++) {
      batch.add(new BeginEvent(new Lsn(tx * 10), Instant.EPOCH, tx));
      assertFalse(batch.isFull(), "full before its third change, after " + batch.size() + " events");
      batch.add(insert(tx * 10, 1));
      if (tx < 3) {
        assertFalse(batch.isFull(), "full before its third change, after " + batch.size() + " events");
      }
      batch.add(new CommitEvent(new Lsn(tx * 10), new Lsn(tx * 10 + 1), Instant.EPOCH));
    }
    assertTrue(batch.isFull(), "three changes fill a batch of maxEvents 3");
    assertEquals(3, batch.changes());
    assertEquals(9, batch.size());
  }

  @Test
  void aTruncateIsAChangeEvent() {
    EventBatch batch = new EventBatch(BatchConfig.builder().maxEvents(1).build());
    batch.add(new BeginEvent(new Lsn(10), Instant.EPOCH, 1));
    assertFalse(batch.isFull());
    batch.add(new TruncateEvent(new TxPosition(new Lsn(10), 1), List.of(TABLE), false, false));
    assertTrue(batch.isFull());
  }

  private static final TableSchema T =
      new TableSchema(1, new TableId("public", "t"), List.of(new ColumnSchema("v", 25, -1, "text", true, false)), 'f');
  private static final Lsn AT = Lsn.parse("0/100");

  @Test
  void anEmptyBatchIsNeitherFullNorDue() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    assertTrue(batch.isEmpty());
    assertFalse(batch.isDue());
    assertEquals(Long.MAX_VALUE, batch.nanosUntilDue());
  }

  @Test
  void theByteBoundFillsTheBatch() {
    InsertEvent insert = new InsertEvent(new TxPosition(AT, 1), T, Row.of("x".repeat(1000)));
    EventBatch batch = new EventBatch(BatchConfig.builder().maxBytes(insert.estimatedBytes() * 2).build());
    batch.add(insert);
    assertFalse(batch.isFull());
    batch.add(insert);
    assertTrue(batch.isFull());
    assertTrue(batch.isDue(), "a full batch is due before its fill time");
  }

  @Test
  void drainHandsOverTheEventsInOrderAndStartsEmpty() {
    EventBatch batch = new EventBatch(BatchConfig.DEFAULT);
    BeginEvent begin = new BeginEvent(AT, Instant.EPOCH, 1);
    InsertEvent insert = new InsertEvent(new TxPosition(AT, 1), T, Row.of("a"));
    CommitEvent commit = new CommitEvent(AT, new Lsn(AT.value() + 1), Instant.EPOCH);
    for (Event e : List.of(begin, insert, commit)) {
      batch.add(e);
    }
    assertEquals(1, batch.changes(), "only the insert is a change");
    assertEquals(List.of(begin, insert, commit), batch.drain());
    assertTrue(batch.isEmpty());
    assertEquals(0, batch.changes());
    assertEquals(0, batch.bytes());
  }
}
