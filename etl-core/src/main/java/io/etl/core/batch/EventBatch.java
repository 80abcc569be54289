package io.etl.core.batch;

import io.etl.core.config.BatchConfig;
import io.etl.core.event.ChangeEvent;
import io.etl.core.event.Event;
import java.util.ArrayList;
import java.util.List;

/** Events collected for one destination call, bounded by count, bytes and fill time. */
public final class EventBatch {
  private final BatchConfig limits;
  private List<Event> events = new ArrayList<>();
  private long bytes;
  private int changes;
  private long firstEventNanos;

  public EventBatch(BatchConfig limits) {
    this.limits = limits;
  }

  public void add(Event event) {
    if (events.isEmpty()) {
      firstEventNanos = System.nanoTime();
    }
    events.add(event);
    bytes += event.estimatedBytes();
    if (event instanceof ChangeEvent) {
      changes++;
    }
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }

  public int size() {
    return events.size();
  }

  public int changes() {
    return changes;
  }

  public long bytes() {
    return bytes;
  }

  /**
   * Full at {@code batch.maxEvents} change events, as the setting says: a transaction's begin and
   * commit and relation or schema messages ride along uncounted (they are bounded by the bytes and
   * the fill time), so many small transactions still give batches of that many rows.
   */
  public boolean isFull() {
    return changes >= limits.maxEvents() || bytes >= limits.maxBytes();
  }

  /** Nanoseconds until the fill time runs out (≤ 0 when it has); Long.MAX_VALUE when empty. */
  public long nanosUntilDue() {
    if (events.isEmpty()) {
      return Long.MAX_VALUE;
    }
    return firstEventNanos + limits.maxFillMs() * 1_000_000L - System.nanoTime();
  }

  public boolean isDue() {
    return isFull() || nanosUntilDue() <= 0;
  }

  /** Hands the events over and starts an empty batch. */
  public List<Event> drain() {
    List<Event> out = events;
    events = new ArrayList<>(Math.min(out.size(), limits.maxEvents()) + 2);
    bytes = 0;
    changes = 0;
    return out;
  }
}
