package io.etl.bench;

import io.etl.core.destination.Destination;
import io.etl.core.destination.DiscardDestination;
import io.etl.core.destination.MemoryDestination;
import io.etl.core.schema.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Our pipeline catching up the backlog of pgbench changes behind its apply slot, timed from
 * start-up until the marker row committed after the load has reached the destination. Runs in
 * a child JVM of its own. The pipeline copied the tables in an earlier, unmeasured run (in the
 * parent), so here it only streams.
 */
final class PipelineStreamCase {
  private static final TableId MARKER = new TableId("public", SourceData.MARKER_TABLE);

  private final Endpoints endpoints;
  private final Target target;

  PipelineStreamCase(Endpoints endpoints, Target target) {
    this.endpoints = endpoints;
    this.target = target;
  }

  static String pipelineId(Target target) {
    return "bench_stream_" + target.shortName;
  }

  Measurement run(long events) throws Exception {
    PipelineRun run = new PipelineRun(endpoints, pipelineId(target), SourceData.STREAM_PUBLICATION);
    Measurement measured;
    Destination destination;
    try (Connection probe = target == Target.POSTGRES ? endpoints.connectDestination() : null) {
      Stopwatch stopwatch = Stopwatch.start();
      destination = target.create(run);
      MarkerWatch watch = new MarkerWatch(destination);
      TimedDestination timed = new TimedDestination(watch);
      try (timed) {
        run.runUntil(timed, pipeline -> switch (target) {
          case MEMORY -> ((MemoryDestination) destination).rowCount(MARKER) > 0;
          case POSTGRES -> hasMarker(probe);
          case DISCARD -> watch.markerWritten();
        });
      }
      measured = stopwatch.ownJvm(events, timed.firstWriteNanos());
    }
    if (destination instanceof MemoryDestination memory) {
      new MemoryStreamCheck(endpoints, memory).run();
    } else if (destination instanceof DiscardDestination discard) {
      // every change of the load, and the marker row
      Checks.warnUnless(discard.changesWritten() == events + 1,
          "the discard destination was handed " + discard.changesWritten() + " changes, expected " + (events + 1));
    }
    return measured;
  }

  private static boolean hasMarker(Connection destination) {
    try (Statement s = destination.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SourceData.MARKER_TABLE)) {
      return rs.next() && rs.getLong(1) > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
