package io.etl.core.config;

import java.util.List;

/**
 * When a batch of changes is handed to the destination: whichever limit is reached first.
 *
 * @param maxEvents change events per batch
 * @param maxBytes estimated bytes per batch
 * @param maxFillMs how long a batch may wait for more events once it holds one
 * @param queueCapacity events buffered between the replication reader and the applier; a slow
 *     destination fills it and the reader then waits instead of growing the heap
 * @param queueMaxBytes estimated bytes buffered there, so that wide rows fill the queue as surely
 *     as many narrow ones do
 */
public record BatchConfig(Integer maxEvents, Long maxBytes, Integer maxFillMs, Integer queueCapacity, Long queueMaxBytes) {
  public static final BatchConfig DEFAULT = new BatchConfig(null, null, null, null, null);

  /** Sized so that queue, batch and destination together stay well inside a 256 MiB heap. */
  static final long DEFAULT_QUEUE_MAX_BYTES = 32L * 1024 * 1024;

  public BatchConfig {
    maxEvents = maxEvents == null ? 10_000 : maxEvents;
    maxBytes = maxBytes == null ? 16L * 1024 * 1024 : maxBytes;
    maxFillMs = maxFillMs == null ? 500 : maxFillMs;
    queueCapacity = queueCapacity == null ? 20_000 : queueCapacity;
    queueMaxBytes = queueMaxBytes == null ? DEFAULT_QUEUE_MAX_BYTES : queueMaxBytes;
  }

  public BatchConfig(Integer maxEvents, Long maxBytes, Integer maxFillMs, Integer queueCapacity) {
    this(maxEvents, maxBytes, maxFillMs, queueCapacity, null);
  }

  public void validate(List<String> problems) {
    if (maxEvents < 1) {
      problems.add("batch.maxEvents must be at least 1, got " + maxEvents);
    }
    if (maxBytes < 1024) {
      problems.add("batch.maxBytes must be at least 1024, got " + maxBytes);
    }
    if (maxFillMs < 1) {
      problems.add("batch.maxFillMs must be at least 1, got " + maxFillMs);
    }
    if (queueCapacity < 1) {
      problems.add("batch.queueCapacity must be at least 1, got " + queueCapacity);
    }
    if (queueMaxBytes < 1024 || queueMaxBytes > Integer.MAX_VALUE) {
      problems.add("batch.queueMaxBytes must be between 1024 and " + Integer.MAX_VALUE + ", got " + queueMaxBytes);
    }
  }
}
