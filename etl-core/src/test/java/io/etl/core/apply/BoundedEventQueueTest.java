package io.etl.core.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etl.core.event.Event;
import io.etl.core.event.InsertEvent;
import io.etl.core.event.Row;
import io.etl.core.event.TxPosition;
import io.etl.core.replication.Lsn;
import io.etl.core.schema.ColumnSchema;
import io.etl.core.schema.TableId;
import io.etl.core.schema.TableSchema;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedEventQueueTest {
  private static final TableSchema TABLE = new TableSchema(
      16384, new TableId("public", "t"), List.of(new ColumnSchema("v", 25, -1, "text", true, false)), 'd');

  private static Event rowOf(int chars) {
    return new InsertEvent(new TxPosition(new Lsn(1), 0), TABLE, Row.of("x".repeat(chars)));
  }

  @Test
  void wideRowsFillTheQueueLongBeforeItsEventCapacity() throws InterruptedException {
    BoundedEventQueue queue = new BoundedEventQueue(1000, 10_000);
    Event wide = rowOf(4_000);
    assertTrue(queue.offer(wide, 10, TimeUnit.MILLISECONDS));
    assertTrue(queue.offer(rowOf(4_000), 10, TimeUnit.MILLISECONDS));
    assertFalse(queue.offer(rowOf(4_000), 10, TimeUnit.MILLISECONDS), "a third wide row exceeds the byte budget");
    assertTrue(queue.bytes() > 8_000);

    assertSame(wide, queue.poll());
    assertTrue(queue.offer(rowOf(4_000), 10, TimeUnit.MILLISECONDS), "taking one frees its bytes");
  }

  @Test
  void eventCountStillBoundsNarrowRows() throws InterruptedException {
    BoundedEventQueue queue = new BoundedEventQueue(2, 1_000_000);
    assertTrue(queue.offer(rowOf(1), 10, TimeUnit.MILLISECONDS));
    assertTrue(queue.offer(rowOf(1), 10, TimeUnit.MILLISECONDS));
    assertFalse(queue.offer(rowOf(1), 10, TimeUnit.MILLISECONDS));
    assertTrue(queue.bytes() > 0, "a refused event leaves no bytes behind");
    queue.poll();
    queue.poll();
    assertEquals(0, queue.bytes());
    assertTrue(queue.isEmpty());
  }

  @Test
  void anEventWiderThanTheBudgetPassesOnceTheQueueIsEmpty() throws InterruptedException {
    BoundedEventQueue queue = new BoundedEventQueue(10, 2_048);
    assertTrue(queue.offer(rowOf(10), 10, TimeUnit.MILLISECONDS));
    assertFalse(queue.offer(rowOf(100_000), 10, TimeUnit.MILLISECONDS));
    queue.poll(10, TimeUnit.MILLISECONDS);
    assertTrue(queue.offer(rowOf(100_000), 10, TimeUnit.MILLISECONDS));
    assertTrue(queue.poll(10, TimeUnit.MILLISECONDS) != null);
    assertNull(queue.poll(1, TimeUnit.MILLISECONDS));
    assertEquals(0, queue.bytes());
  }

  @Test
  void aChunkTakesItsEventsAndBytesUntilItsLastEventIsTaken() throws InterruptedException {
    BoundedEventQueue queue = new BoundedEventQueue(3, 1_000_000);
    Event first = rowOf(1);
    Event second = rowOf(2);
    assertTrue(queue.offer(List.of(first, second), 10, TimeUnit.MILLISECONDS));
    assertFalse(queue.offer(List.of(rowOf(1), rowOf(1)), 10, TimeUnit.MILLISECONDS), "two more exceed three slots");
    assertSame(first, queue.poll());
    assertFalse(queue.isEmpty());
    assertFalse(queue.offer(List.of(rowOf(1), rowOf(1)), 10, TimeUnit.MILLISECONDS), "still held: the chunk is not done");
    assertSame(second, queue.poll());
    assertEquals(0, queue.bytes());
    assertTrue(queue.isEmpty());
    assertTrue(queue.offer(List.of(rowOf(1), rowOf(1), rowOf(1), rowOf(1)), 10, TimeUnit.MILLISECONDS),
        "a chunk larger than the capacity passes an empty queue");
  }
}
