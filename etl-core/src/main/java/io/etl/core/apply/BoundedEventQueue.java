package io.etl.core.apply;

import io.etl.core.event.Event;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The hand-off from the replication reader to the applier, bounded by event count and by
 * estimated bytes: a run of wide rows stops the reader as surely as a run of narrow ones.
 *
 * <p>The byte budget is a semaphore of one permit per byte. An event costs its estimate, capped
 * at the whole budget, so an event wider than the budget still passes once the queue has
 * drained instead of blocking the reader for good.
 */
final class BoundedEventQueue {
  private final ArrayBlockingQueue<Event> events;
  private final Semaphore bytes;
  private final int maxBytes;

  BoundedEventQueue(int capacity, long maxBytes) {
    this.events = new ArrayBlockingQueue<>(capacity);
    this.maxBytes = (int) Math.min(maxBytes, Integer.MAX_VALUE);
    this.bytes = new Semaphore(this.maxBytes);
  }

  /**
   * Enqueues {@code event}, waiting for room; false when there was none in time. The wait may
   * take up to twice {@code timeout}: once for bytes, once for a free slot.
   */
  boolean offer(Event event, long timeout, TimeUnit unit) throws InterruptedException {
    int cost = cost(event);
    if (!bytes.tryAcquire(cost, timeout, unit)) {
      return false;
    }
    if (!events.offer(event, timeout, unit)) {
      bytes.release(cost);
      return false;
    }
    return true;
  }

  Event poll(long timeout, TimeUnit unit) throws InterruptedException {
    return released(events.poll(timeout, unit));
  }

  Event poll() {
    return released(events.poll());
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  /** Estimated bytes the queued events hold. */
  long bytes() {
    return maxBytes - bytes.availablePermits();
  }

  private Event released(Event event) {
    if (event != null) {
      bytes.release(cost(event));
    }
    return event;
  }

  private int cost(Event event) {
    return (int) Math.min(event.estimatedBytes(), maxBytes);
  }
}
