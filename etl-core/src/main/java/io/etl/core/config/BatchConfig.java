package io.etl.core.config;

import java.util.List;

/**
 * When a batch of changes is handed to the destination: whichever limit is reached first.
 *
 * @param maxEvents change events (inserted, updated or deleted rows, truncates) per batch; a
 *     transaction's begin and commit and schema messages ride along uncounted
 * @param maxBytes estimated bytes per batch
 * @param maxFillMs how long a batch may wait for more events once it holds one
 * @param queueCapacity events buffered between the replication reader and the applier; a slow
 *     destination fills it and the reader then waits instead of growing the heap
 * @param queueMaxBytes estimated bytes buffered there, so that wide rows fill the queue as surely
 *     as many narrow ones do
 */
public record BatchConfig(Integer maxEvents, Long maxBytes, Integer maxFillMs, Integer queueCapacity, Long queueMaxBytes) {
  public static final BatchConfig DEFAULT = new BatchConfig(null, null, null, null, null);

  public static final Range MAX_EVENTS = new Range(1, 1_000_000);
  /** Ten minutes: a batch that waits longer holds the slot back for no gain. */
  public static final Range MAX_FILL_MS = new Range(1, 600_000);

  /** Sized so that queue, batch and destination together stay well inside a 256 MiB heap. */
  static final long DEFAULT_QUEUE_MAX_BYTES = 32L * 1024 * 1024;

  public BatchConfig {
    maxEvents = maxEvents == null ? 10_000 : maxEvents;
    maxBytes = maxBytes == null ? 16L * 1024 * 1024 : maxBytes;
    maxFillMs = maxFillMs == null ? 500 : maxFillMs;
    queueCapacity = queueCapacity == null ? 20_000 : queueCapacity;
    queueMaxBytes = queueMaxBytes == null ? DEFAULT_QUEUE_MAX_BYTES : queueMaxBytes;
  }

  /** Every setting unset (the loader's defaults) until one is given. */
  public static Builder builder() {
    return new Builder();
  }

  public void validate(List<String> problems) {
    MAX_EVENTS.check("batch.maxEvents", maxEvents, problems);
    if (maxBytes < 1024) {
      problems.add("batch.maxBytes must be at least 1024, got " + maxBytes);
    }
    MAX_FILL_MS.check("batch.maxFillMs", maxFillMs, problems);
    if (queueCapacity < 1) {
      problems.add("batch.queueCapacity must be at least 1, got " + queueCapacity);
    }
    if (queueMaxBytes < 1024 || queueMaxBytes > Integer.MAX_VALUE) {
      problems.add("batch.queueMaxBytes must be between 1024 and " + Integer.MAX_VALUE + ", got " + queueMaxBytes);
    }
  }

  /** A {@link BatchConfig} a setting at a time; what is not set gets the record's default. */
  public static final class Builder {
    private Integer maxEvents;
    private Long maxBytes;
    private Integer maxFillMs;
    private Integer queueCapacity;
    private Long queueMaxBytes;

    private Builder() {}

    public Builder maxEvents(Integer maxEvents) {
      this.maxEvents = maxEvents;
      return this;
    }

    public Builder maxBytes(Long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    public Builder maxFillMs(Integer maxFillMs) {
      this.maxFillMs = maxFillMs;
      return this;
    }

    public Builder queueCapacity(Integer queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder queueMaxBytes(Long queueMaxBytes) {
      this.queueMaxBytes = queueMaxBytes;
      return this;
    }

    public BatchConfig build() {
      return new BatchConfig(maxEvents, maxBytes, maxFillMs, queueCapacity, queueMaxBytes);
    }
  }
}
