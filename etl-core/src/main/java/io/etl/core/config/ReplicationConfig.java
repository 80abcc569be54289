package io.etl.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the apply worker reads its slot.
 *
 * @param streaming ask PostgreSQL 14 and later to stream transactions before they commit
 *     (pgoutput protocol version 2), so that the server does not hold a huge transaction back
 *     until its commit; older servers, and {@code false}, get protocol version 1
 * @param spoolDirectory where streamed transactions wait for their commit, one file each; needs
 *     room for the largest transaction in flight. Each slot uses a subdirectory named after it,
 *     emptied when its stream starts
 * @param maxSpoolBytes the most the transactions in flight may take there together; beyond it the
 *     stream stops with an error naming this setting and the source transaction, rather than fill
 *     the disk. The default, 1 GiB, fits the 2 GiB volume the operator gives a replicator pod.
 */
public record ReplicationConfig(Boolean streaming, String spoolDirectory, Long maxSpoolBytes) {
  public static final ReplicationConfig DEFAULT = new ReplicationConfig(null, null, null);
  public static final long DEFAULT_MAX_SPOOL_BYTES = 1L << 30;
  private static final long MIN_SPOOL_BYTES = 1L << 20;

  public ReplicationConfig {
    streaming = streaming == null ? Boolean.TRUE : streaming;
    spoolDirectory = spoolDirectory == null
        ? Path.of(System.getProperty("java.io.tmpdir"), "etl-spool").toString()
        : spoolDirectory;
    maxSpoolBytes = maxSpoolBytes == null ? DEFAULT_MAX_SPOOL_BYTES : maxSpoolBytes;
  }

  /** A spool directory with the default cap. */
  public ReplicationConfig(Boolean streaming, String spoolDirectory) {
    this(streaming, spoolDirectory, null);
  }

  /** The spool directory of one slot's stream. */
  public Path spoolDirectoryFor(String slotName) {
    return Path.of(spoolDirectory).resolve(slotName);
  }

  public void validate(List<String> problems) {
    if (maxSpoolBytes < MIN_SPOOL_BYTES) {
      problems.add("replication.maxSpoolBytes must be at least " + MIN_SPOOL_BYTES + " (1 MiB), got " + maxSpoolBytes);
    }
    if (spoolDirectory.isBlank()) {
      problems.add("replication.spoolDirectory must name a directory, got an empty value");
      return;
    }
    try {
      Path.of(spoolDirectory);
    } catch (InvalidPathException e) {
      problems.add("replication.spoolDirectory is not a valid path: " + e.getMessage());
    }
  }
}
