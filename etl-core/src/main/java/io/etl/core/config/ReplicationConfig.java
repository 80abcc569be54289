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
 */
public record ReplicationConfig(Boolean streaming, String spoolDirectory) {
  public static final ReplicationConfig DEFAULT = new ReplicationConfig(null, null);

  public ReplicationConfig {
    streaming = streaming == null ? Boolean.TRUE : streaming;
    spoolDirectory = spoolDirectory == null
        ? Path.of(System.getProperty("java.io.tmpdir"), "etl-spool").toString()
        : spoolDirectory;
  }

  /** The spool directory of one slot's stream. */
  public Path spoolDirectoryFor(String slotName) {
    return Path.of(spoolDirectory).resolve(slotName);
  }

  public void validate(List<String> problems) {
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
