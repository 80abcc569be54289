package io.etl.bench;

import io.etl.core.destination.MemoryDestination;
import io.etl.core.schema.TableId;

/**
 * Our pipeline's initial copy of {@code big} (exported snapshot, parallel ctid ranges), timed
 * from start-up until the table streams. Runs in a child JVM of its own.
 */
final class PipelineCopyCase {
  private final Endpoints endpoints;
  private final boolean intoMemory;

  PipelineCopyCase(Endpoints endpoints, boolean intoMemory) {
    this.endpoints = endpoints;
    this.intoMemory = intoMemory;
  }

  static String pipelineId(boolean intoMemory) {
    return intoMemory ? "bench_copy_mem" : "bench_copy_pg";
  }

  Measurement run(long rows) throws Exception {
    PipelineRun run = new PipelineRun(endpoints, pipelineId(intoMemory), SourceData.COPY_PUBLICATION);
    MemoryDestination memory = intoMemory ? new MemoryDestination() : null;
    Stopwatch stopwatch = Stopwatch.start();
    TimedDestination target = new TimedDestination(intoMemory ? memory : run.postgresDestination());
    long copied;
    try (target) {
      copied = run.runUntilCopied(target);
    }
    Measurement measured = stopwatch.ownJvm(rows, copied, target.firstWriteNanos());
    if (intoMemory) {
      long held = memory.rowCount(new TableId("public", SourceData.COPY_TABLE));
      Checks.warnUnless(held == rows, "the memory destination holds " + held + " of " + rows + " copied rows");
    }
    return measured;
  }
}
