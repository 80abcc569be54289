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
import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchTest {
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
    EventBatch batch = new EventBatch(new BatchConfig(null, insert.estimatedBytes() * 2, null, null, null));
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
