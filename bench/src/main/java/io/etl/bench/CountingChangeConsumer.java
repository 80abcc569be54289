package io.etl.bench;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A Debezium consumer that does nothing with a change but count it, and notices the marker row:
 * whatever Debezium needs to produce a record is measured, nothing after it.
 */
final class CountingChangeConsumer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private final String markerTopicSuffix;
  private final AtomicLong changes = new AtomicLong();
  private final CountDownLatch markerSeen = new CountDownLatch(1);
  private volatile long firstRecordNanos = -1;

  CountingChangeConsumer(String markerTable) {
    this.markerTopicSuffix = "." + markerTable;
  }

  @Override
  public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    if (firstRecordNanos < 0 && !records.isEmpty()) {
      firstRecordNanos = System.nanoTime();
    }
    for (RecordChangeEvent<SourceRecord> event : records) {
      SourceRecord record = event.record();
      if (record.value() != null) {
        changes.incrementAndGet();
      }
      if (record.topic().endsWith(markerTopicSuffix)) {
        markerSeen.countDown();
      }
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
  }

  boolean awaitMarker(long millis) throws InterruptedException {
    return markerSeen.await(millis, TimeUnit.MILLISECONDS);
  }

  /** {@link System#nanoTime()} of the first record, or -1 before it. */
  long firstRecordNanos() {
    return firstRecordNanos;
  }

  long changes() {
    return changes.get();
  }
}
