package io.etl.bench;

import io.etl.core.destination.Destination;
import io.etl.core.destination.DiscardDestination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.schema.TableId;

/**
 * Our pipeline's initial copy of {@code big} (exported snapshot, parallel ctid ranges), timed
 * from start-up until the table streams. Runs in a child JVM of its own.
 */
final class PipelineCopyCase {
  private final Endpoints endpoints;
  private final Target target;

  PipelineCopyCase(Endpoints endpoints, Target target) {
    this.endpoints = endpoints;
    this.target = target;
  }

  static String pipelineId(Target target) {
    return "bench_copy_" + target.shortName;
  }

  Measurement run(long rows) throws Exception {
    PipelineRun run = new PipelineRun(endpoints, pipelineId(target), SourceData.COPY_PUBLICATION);
    Stopwatch stopwatch = Stopwatch.start();
    Destination destination = target.create(run);
    TimedDestination timed = new TimedDestination(destination);
    long copied;
    try (timed) {
      copied = run.runUntilCopied(timed);
    }
    Measurement measured = stopwatch.ownJvm(rows, copied, timed.firstWriteNanos());
    if (destination instanceof MemoryDestination memory) {
      long held = memory.rowCount(new TableId("public", SourceData.COPY_TABLE));
      Checks.warnUnless(held == rows, "the memory destination holds " + held + " of " + rows + " copied rows");
    } else if (destination instanceof DiscardDestination discard) {
      Checks.warnUnless(discard.rowsWritten() == rows,
          "the discard destination was handed " + discard.rowsWritten() + " of " + rows + " copied rows");
    }
    return measured;
  }
}
