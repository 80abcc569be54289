package io.etl.bench;

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
  private final boolean intoMemory;

  PipelineStreamCase(Endpoints endpoints, boolean intoMemory) {
    this.endpoints = endpoints;
    this.intoMemory = intoMemory;
  }

  static String pipelineId(boolean intoMemory) {
    return intoMemory ? "bench_stream_mem" : "bench_stream_pg";
  }

  Measurement run(long events) throws Exception {
    PipelineRun run = new PipelineRun(endpoints, pipelineId(intoMemory), SourceData.STREAM_PUBLICATION);
    Measurement measured;
    MemoryDestination memory = intoMemory ? new MemoryDestination() : null;
    try (Connection probe = intoMemory ? null : endpoints.connectDestination()) {
      Stopwatch stopwatch = Stopwatch.start();
      TimedDestination target = new TimedDestination(intoMemory ? memory : run.postgresDestination());
      try (target) {
        run.runUntil(target, pipeline -> intoMemory ? memory.rowCount(MARKER) > 0 : hasMarker(probe));
      }
      measured = stopwatch.ownJvm(events, target.firstWriteNanos());
    }
    if (intoMemory) {
      new MemoryStreamCheck(endpoints, memory).run();
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
