package io.etl.core.pipeline;

import io.etl.core.replication.Lsn;
import java.util.concurrent.atomic.AtomicLong;

/** Live figures the workers publish and the status reads; all fields are safe to read anytime. */
public final class Progress {
  private volatile Lsn confirmed;
  private volatile Lsn received;
  private volatile boolean streaming;
  private volatile Long lagBytes;
  private final AtomicLong eventsApplied = new AtomicLong();

  public Lsn confirmed() {
    return confirmed;
  }

  public void confirmed(Lsn lsn) {
    confirmed = lsn;
  }

  public Lsn received() {
    return received;
  }

  public void received(Lsn lsn) {
    received = lsn;
  }

  public boolean streaming() {
    return streaming;
  }

  public void streaming(boolean value) {
    streaming = value;
  }

  public Long lagBytes() {
    return lagBytes;
  }

  public void lagBytes(Long value) {
    lagBytes = value;
  }

  public long eventsApplied() {
    return eventsApplied.get();
  }

  public void addEventsApplied(long n) {
    eventsApplied.addAndGet(n);
  }
}
