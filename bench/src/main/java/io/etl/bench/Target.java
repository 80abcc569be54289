package io.etl.bench;

import io.etl.core.destination.Destination;
import io.etl.core.destination.DiscardDestination;
import io.etl.core.destination.MemoryDestination;

/** The destination a measured pipeline writes to, with the JVM flags its child JVM runs with. */
enum Target {
  /** Holds every row, so its JVM needs a heap the size of the copied table. */
  MEMORY("memory", "mem", ChildJvm.MEMORY_DESTINATION_FLAGS),
  DISCARD("discard", "discard", ChildJvm.REPLICATOR_FLAGS),
  POSTGRES("postgres", "pg", ChildJvm.REPLICATOR_FLAGS);

  /** {@code destination.type} in the pipeline's config. */
  final String configType;
  /** In pipeline ids. */
  final String shortName;
  final String jvmFlags;

  Target(String configType, String shortName, String jvmFlags) {
    this.configType = configType;
    this.shortName = shortName;
    this.jvmFlags = jvmFlags;
  }

  /** A new destination of this kind for {@code run}'s pipeline. */
  Destination create(PipelineRun run) {
    return switch (this) {
      case MEMORY -> new MemoryDestination();
      case DISCARD -> new DiscardDestination();
      case POSTGRES -> run.postgresDestination();
    };
  }
}
