package io.etl.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The child JVM of the latency case: our streaming pipeline into PostgreSQL (the one the
 * streaming case measured, so it starts caught up), running until the last latency probe is in
 * the destination. The parent writes the probes and measures their latency; this only streams.
 */
final class LatencyPipelineCase {
  private final Endpoints endpoints;

  LatencyPipelineCase(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  Measurement run(long probes) throws Exception {
    PipelineRun run = new PipelineRun(endpoints, PipelineStreamCase.pipelineId(Target.POSTGRES), SourceData.STREAM_PUBLICATION);
    try (Connection destination = endpoints.connectDestination()) {
      Stopwatch stopwatch = Stopwatch.start();
      TimedDestination timed = new TimedDestination(Target.POSTGRES.create(run));
      try (timed) {
        run.runUntil(timed, pipeline -> lastProbe(destination) >= probes);
      }
      return stopwatch.ownJvm(probes, timed.firstWriteNanos());
    }
  }

  static long lastProbe(Connection destination) {
    try (Statement s = destination.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + SourceData.LATENCY_TABLE)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
