package io.etl.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Commit on the source → visible in the PostgreSQL destination, at a fixed rate. Our pipeline
 * streams in a child JVM ({@link LatencyPipelineCase}); once its apply slot is active, this JVM
 * commits {@code probes} one-row transactions into {@code latency_probe} at {@code rate} per
 * second (each due at start + i / rate; one late runs as soon as it can and the next keep their
 * times), noting {@link System#nanoTime()} when each commit returns, while a poller on the
 * destination reads {@code max(id)} every {@value #POLL_MICROS} µs and notes when each id first
 * shows. The destination applies in commit order, whole transactions at a time, so every id up to
 * the maximum is visible when it is.
 */
final class LatencyCase {
  private static final long POLL_MICROS = 2000;
  private static final long SLOT_WAIT_MILLIS = 120_000;
  private static final long VISIBLE_WAIT_MILLIS = 120_000;

  /** Latencies in ms, and the rate the writer achieved. */
  record Result(int probes, double askedRate, double achievedRate, double p50Millis, double p99Millis,
      double maxMillis, Measurement pipeline) {}

  private final Endpoints endpoints;
  private final ChildJvm child;

  LatencyCase(Endpoints endpoints, ChildJvm child) {
    this.endpoints = endpoints;
    this.child = child;
  }

  /** Null (with a warning) if the pipeline failed or not every probe became visible. */
  Result run(double rate, int probes) throws Exception {
    long[] committed = new long[probes + 1];
    long[] visible = new long[probes + 1];
    ChildJvm.Running pipeline = child.start(MeasuredCase.LATENCY, probes);
    try (Connection source = endpoints.connectSource(); Connection destination = endpoints.connectDestination()) {
      if (!awaitSlotActive(source, pipeline)) {
        pipeline.await(60_000);
        Checks.warnUnless(false, "the latency case's pipeline never made its apply slot active");
        return null;
      }
      Poller poller = new Poller(destination, visible, probes);
      Thread polling = new Thread(poller, "latency-poller");
      polling.start();
      long start = write(source, committed, rate, probes);
      polling.join(VISIBLE_WAIT_MILLIS);
      poller.stop();
      polling.join();
      Measurement measured = pipeline.await(60_000);
      if (poller.failure != null || poller.seen < probes || measured == null) {
        Checks.warnUnless(false, "the latency case saw " + poller.seen + " of " + probes + " probes in the destination"
            + (poller.failure == null ? "" : " (" + poller.failure + ")"));
        return null;
      }
      double[] millis = new double[probes];
      for (int id = 1; id <= probes; id++) {
        millis[id - 1] = Math.max(0, visible[id] - committed[id]) / 1e6;
      }
      Arrays.sort(millis);
      double achieved = probes / ((committed[probes] - start) / 1e9);
      return new Result(probes, rate, achieved, percentile(millis, 0.50), percentile(millis, 0.99),
          millis[probes - 1], measured);
    } finally {
      if (pipeline.isAlive()) {
        pipeline.await(1);
      }
    }
  }

  private boolean awaitSlotActive(Connection source, ChildJvm.Running pipeline) throws SQLException, InterruptedException {
    String slot = PipelineRun.applySlot(PipelineStreamCase.pipelineId(Target.POSTGRES));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOT_WAIT_MILLIS);
    try (PreparedStatement active = source.prepareStatement(
        "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
      active.setString(1, slot);
      while (System.nanoTime() < deadline && pipeline.isAlive()) {
        try (ResultSet rs = active.executeQuery()) {
          if (rs.next() && rs.getLong(1) > 0) {
            return true;
          }
        }
        Thread.sleep(10);
      }
    }
    return false;
  }

  /** Commits the probes at the rate; returns when the first was due. */
  private static long write(Connection source, long[] committed, double rate, int probes) throws SQLException {
    double periodNanos = 1e9 / rate;
    try (PreparedStatement insert = source.prepareStatement(
        "INSERT INTO " + SourceData.LATENCY_TABLE + " (id, payload) VALUES (?, 'probe')")) {
      long start = System.nanoTime();
      for (int id = 1; id <= probes; id++) {
        long due = start + (long) ((id - 1) * periodNanos);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        insert.setLong(1, id);
        insert.executeUpdate(); // autocommit: one transaction per probe
        committed[id] = System.nanoTime();
      }
      return start;
    }
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** Notes when each probe id first shows in the destination. */
  private static final class Poller implements Runnable {
    private final Connection destination;
    private final long[] visible;
    private final int probes;
    private volatile boolean stopped;
    volatile int seen;
    volatile Exception failure;

    Poller(Connection destination, long[] visible, int probes) {
      this.destination = destination;
      this.visible = visible;
      this.probes = probes;
    }

    void stop() {
      stopped = true;
    }

    @Override
    public void run() {
      try (Statement s = destination.createStatement()) {
        while (!stopped && seen < probes) {
          long max;
          try (ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + SourceData.LATENCY_TABLE)) {
            rs.next();
            max = rs.getLong(1);
          }
          long now = System.nanoTime();
          for (int id = seen + 1; id <= max; id++) {
            visible[id] = now;
          }
          seen = (int) Math.max(seen, max);
          LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(POLL_MICROS));
        }
      } catch (SQLException e) {
        failure = e;
      }
    }
  }
}
