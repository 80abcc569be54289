package io.etl.core.apply;

import io.etl.core.event.Event;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The hand-off from the replication reader to the applier, bounded by event count and by
 * estimated bytes: a run of wide rows stops the reader as surely as a run of narrow ones.
 *
 * <p>The reader hands over chunks of events, the applier takes them one event at a time: one
 * hand-off (and at most one wake-up of a waiting applier) per chunk rather than per event, which
 * on a busy stream was a good part of the reader's CPU time in system calls.
 *
 * <p>Both budgets are semaphores, one permit per event and one per byte, taken for a whole chunk
 * when it is offered and given back when its last event is taken. A chunk costs its estimate,
 * capped at the whole budget, so a chunk larger than the budget still passes once the queue has
 * drained instead of blocking the reader for good. Not for several producers or consumers: one
 * reader offers, one applier takes.
 */
final class BoundedEventQueue {
  private record Chunk(List<Event> events, int slots, int bytes) {}

  private final LinkedBlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
  private final Semaphore slots;
  private final Semaphore bytes;
  private final int capacity;
  private final int maxBytes;

  // The applier's own: the chunk it is taking events from, and the next one's index.
  private Chunk current;
  private int next;

  BoundedEventQueue(int capacity, long maxBytes) {
    this.capacity = capacity;
    this.maxBytes = (int) Math.min(maxBytes, Integer.MAX_VALUE);
    this.slots = new Semaphore(capacity);
    this.bytes = new Semaphore(this.maxBytes);
  }

  /**
   * Enqueues {@code events} (not empty; the queue keeps the list, the caller must not change it),
   * waiting for room; false when there was none in time. The wait may take up to twice {@code
   * timeout}: once for bytes, once for event slots.
   */
  boolean offer(List<Event> events, long timeout, TimeUnit unit) throws InterruptedException {
    long estimate = 0;
    for (Event event : events) {
      estimate += event.estimatedBytes();
    }
    int cost = (int) Math.min(estimate, maxBytes);
    int count = Math.min(events.size(), capacity);
    if (!bytes.tryAcquire(cost, timeout, unit)) {
      return false;
    }
    if (!slots.tryAcquire(count, timeout, unit)) {
      bytes.release(cost);
      return false;
    }
    chunks.add(new Chunk(events, count, cost));
    return true;
  }

  /** Enqueues one event. */
  boolean offer(Event event, long timeout, TimeUnit unit) throws InterruptedException {
    return offer(List.of(event), timeout, unit);
  }

  Event poll(long timeout, TimeUnit unit) throws InterruptedException {
    if (current == null) {
      current = chunks.poll(timeout, unit);
    }
    return taken();
  }

  Event poll() {
    if (current == null) {
      current = chunks.poll();
    }
    return taken();
  }

  boolean isEmpty() {
    return current == null && chunks.isEmpty();
  }

  /** Estimated bytes the queued events hold. */
  long bytes() {
    return maxBytes - bytes.availablePermits();
  }

  private Event taken() {
    if (current == null) {
      return null;
    }
    Event event = current.events().get(next++);
    if (next == current.events().size()) {
      slots.release(current.slots());
      bytes.release(current.bytes());
      current = null;
      next = 0;
    }
    return event;
  }
}
